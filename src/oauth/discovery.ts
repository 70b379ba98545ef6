/**
 * Authorization server metadata, found by OpenID Connect Discovery from the
 * configured issuer and cached for a while. The metadata's `issuer` must be
 * exactly the configured one (OpenID Connect Discovery 4.3): the first line
 * of defence against mix-up.
 *
 * A failed fetch is remembered for a backoff period (contract 3.6): 5 s after
 * the first failure, doubling with each failure in a row up to 60 s, or the
 * provider's `Retry-After` when it is longer (at most 300 s). Readiness
 * answers from that memory without asking again; a user's request asks again
 * unless the provider's `Retry-After` still runs, and is refused with it
 * meanwhile (contract 5.6). One fetch at a time, whoever asks.
 */
import { IntegrationError } from '../errors';
import { parseJsonObject, type ProviderClient, retryAfterSeconds } from '../http/provider-client';
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

/** The backoff after a failed discovery fetch (contract 3.6). */
export const discoveryBackoff = { firstSeconds: 5, maxSeconds: 60, retryAfterMaxSeconds: 300 } as const;

/** What a failed fetch leaves behind. */
interface Failure {
  readonly error: unknown;
  /** Failures in a row, this one included. */
  readonly inARow: number;
  /** No fetch for readiness before this time. */
  readonly until: number;
  /** No fetch at all before this time: the provider's own Retry-After (0 when it sent none). */
  readonly providerUntil: number;
}

/** The provider said when to come back (`Retry-After`, seconds). */
class DiscoveryUnavailable extends IntegrationError {
  constructor(
    message: string,
    readonly providerRetryAfterSeconds: number | undefined,
  ) {
    super('provider_unavailable', message, { retryAfterSeconds: providerRetryAfterSeconds });
  }
}

export class Discovery {
  private cached: { metadata: ProviderMetadata; fetchedAt: number } | undefined;
  private failure: Failure | undefined;
  private readonly flight = new SingleFlight<ProviderMetadata>();

  constructor(
    private readonly issuer: string,
    private readonly http: ProviderClient,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /**
   * The metadata for a user's request: from the cache while it is fresh,
   * otherwise fetched now, unless the provider's `Retry-After` still runs
   * (then `provider_unavailable`, passing on the seconds left).
   */
  async metadata(): Promise<ProviderMetadata> {
    const fresh = this.fresh();
    if (fresh) return fresh;
    const failure = this.failure;
    if (failure && this.now() < failure.providerUntil) {
      const seconds = Math.max(1, Math.ceil((failure.providerUntil - this.now()) / 1000));
      throw new IntegrationError('provider_unavailable', `discovery: the provider asked to wait ${seconds} s more`, {
        retryAfterSeconds: seconds,
      });
    }
    return this.probe();
  }

  /**
   * The metadata for readiness, which anyone may ask for: from the cache
   * while it is fresh, the last failure again while its backoff lasts,
   * otherwise fetched now.
   */
  async lastKnown(): Promise<ProviderMetadata> {
    const fresh = this.fresh();
    if (fresh) return fresh;
    const failure = this.failure;
    if (failure && this.now() < failure.until) throw failure.error;
    return this.probe();
  }

  private fresh(): ProviderMetadata | undefined {
    const cached = this.cached;
    return cached && this.now() - cached.fetchedAt < this.ttlMs ? cached.metadata : undefined;
  }

  /** Fetch the metadata now, one fetch at a time: a fresh copy replaces the cached one, a failure is remembered. */
  private probe(): Promise<ProviderMetadata> {
    return this.flight.run('discovery', () =>
      this.fetch().then(
        (metadata) => {
          this.cached = { metadata, fetchedAt: this.now() };
          this.failure = undefined;
          return metadata;
        },
        (error: unknown) => {
          this.remember(error);
          throw error;
        },
      ),
    );
  }

  private remember(error: unknown): void {
    const inARow = (this.failure?.inARow ?? 0) + 1;
    const own = Math.min(discoveryBackoff.maxSeconds, discoveryBackoff.firstSeconds * 2 ** (inARow - 1));
    const asked =
      error instanceof DiscoveryUnavailable && error.providerRetryAfterSeconds !== undefined
        ? Math.min(discoveryBackoff.retryAfterMaxSeconds, error.providerRetryAfterSeconds)
        : 0;
    const at = this.now();
    this.failure = { error, inARow, until: at + Math.max(own, asked) * 1000, providerUntil: at + asked * 1000 };
  }

  private async fetch(): Promise<ProviderMetadata> {
    const response = await this.http.request('discovery', 'idempotent', (http) => http.get(discoveryUrl(this.issuer)));
    if (response.statusCode !== 200) {
      const message = `discovery answered ${response.statusCode}`;
      if (response.statusCode >= 500 || response.statusCode === 429)
        throw new DiscoveryUnavailable(message, retryAfterSeconds(response.headers['retry-after'], this.now()));
      throw new IntegrationError('provider_error', message);
    }
    const body = parseJsonObject(response.body);
    if (!body) throw new IntegrationError('provider_error', 'discovery answered something other than a JSON object');
    return validateMetadata(this.issuer, body);
  }
}
