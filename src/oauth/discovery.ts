/**
 * Authorization server metadata, found by OpenID Connect Discovery from the
 * configured issuer and cached for a while. The metadata's `issuer` must be
 * exactly the configured one (OpenID Connect Discovery 4.3): the first line
 * of defence against mix-up.
 */
import { IntegrationError } from '../errors';
import { parseJsonObject, type ProviderClient } from '../http/provider-client';
import { isSecureOrLoopback } from '../http/secure-url';
import { SingleFlight } from '../single-flight';

export interface ProviderMetadata {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly userinfo_endpoint?: string;
  readonly revocation_endpoint?: string;
  readonly introspection_endpoint?: string;
  readonly code_challenge_methods_supported?: readonly string[];
  readonly authorization_response_iss_parameter_supported?: boolean;
  readonly id_token_signing_alg_values_supported?: readonly string[];
  /** RFC 9126 5. */
  readonly pushed_authorization_request_endpoint?: string;
  readonly require_pushed_authorization_requests?: boolean;
  /** RFC 9449 5.1. */
  readonly dpop_signing_alg_values_supported?: readonly string[];
}

export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

function validateMetadata(issuer: string, body: Record<string, unknown>): ProviderMetadata {
  if (body.issuer !== issuer) {
    throw new IntegrationError(
      'provider_error',
      `discovery: unexpected "issuer" value (expected the configured issuer)`,
    );
  }
  for (const name of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    const value = body[name];
    if (typeof value !== 'string' || !URL.canParse(value)) {
      throw new IntegrationError('provider_error', `discovery: "${name}" is missing or not a URL`);
    }
  }
  for (const name of [
    'authorization_endpoint',
    'token_endpoint',
    'jwks_uri',
    'userinfo_endpoint',
    'revocation_endpoint',
    'pushed_authorization_request_endpoint',
  ] as const) {
    const value = body[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !URL.canParse(value) || !isSecureOrLoopback(new URL(value))) {
      throw new IntegrationError('provider_error', `discovery: "${name}" must be an https URL`);
    }
  }
  const methods = body.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256')) {
    throw new IntegrationError('provider_error', 'discovery: the provider does not support PKCE S256');
  }
  return body as unknown as ProviderMetadata;
}

export class Discovery {
  private cached: { metadata: ProviderMetadata; fetchedAt: number } | undefined;
  private readonly flight = new SingleFlight<ProviderMetadata>();

  constructor(
    private readonly issuer: string,
    private readonly http: ProviderClient,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The metadata, from the cache while it is fresh; one fetch at a time. */
  async metadata(): Promise<ProviderMetadata> {
    if (this.cached && this.now() - this.cached.fetchedAt < this.ttlMs) return this.cached.metadata;
    return this.probe();
  }

  /** Fetch the metadata now, whatever the cache holds; a fresh copy replaces the cached one. */
  private probe(): Promise<ProviderMetadata> {
    return this.flight.run('discovery', () => this.fetch());
  }

  private async fetch(): Promise<ProviderMetadata> {
    const response = await this.http.request('discovery', 'idempotent', (got) => got.get(discoveryUrl(this.issuer)));
    if (response.statusCode !== 200) {
      throw new IntegrationError(
        response.statusCode >= 500 || response.statusCode === 429 ? 'provider_unavailable' : 'provider_error',
        `discovery answered ${response.statusCode}`,
      );
    }
    const body = parseJsonObject(response.body);
    if (!body) throw new IntegrationError('provider_error', 'discovery answered something other than a JSON object');
    const metadata = validateMetadata(this.issuer, body);
    this.cached = { metadata, fetchedAt: this.now() };
    return metadata;
  }
}
