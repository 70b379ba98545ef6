/**
 * The provider's signing keys (its JWKS), fetched on first use and cached
 * for as long as the provider's `Cache-Control: max-age` says (an hour when
 * it says nothing), never less than a minute nor more than a day: a key the
 * provider withdraws stops being trusted within that time. A token signed
 * with a key id the cache does not know triggers one refetch (the provider
 * may have rotated its keys), never more per token.
 */
import type { createLocalJWKSet, FlattenedJWSInput, JSONWebKeySet, JWSHeaderParameters } from 'jose';

import { IntegrationError } from '../errors';
import { parseJsonObject, type ProviderClient } from '../http/provider-client';
import { SingleFlight } from '../single-flight';
import { jose } from './jose';

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

/** How long a key set is trusted: the provider's max-age, within these bounds (seconds). */
const jwksLifetime = { defaultSeconds: 3600, minSeconds: 60, maxSeconds: 24 * 3600 } as const;

/** The lifetime a JWKS response asks for, bounded; `no-store`/`no-cache` mean as short as allowed. */
function jwksLifetimeSeconds(cacheControl: string | undefined): number {
  const directives = (cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((directive) => directive.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) return jwksLifetime.minSeconds;
  const maxAge = directives
    .map((directive) => /^max-age=(\d+)$/.exec(directive)?.[1])
    .find((value) => value !== undefined);
  const asked = maxAge === undefined ? jwksLifetime.defaultSeconds : Number(maxAge);
  return Math.min(jwksLifetime.maxSeconds, Math.max(jwksLifetime.minSeconds, asked));
}

export class JwksCache {
  private cached: { resolver: KeyResolver; expiresAt: number } | undefined;
  private readonly flight = new SingleFlight<KeyResolver>();
  /** How many times the JWKS was fetched (for metrics and tests). */
  fetches = 0;

  constructor(
    private readonly http: ProviderClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** A key resolver for `jose.jwtVerify`, bound to the provider's `jwks_uri`. */
  keyFor(jwksUri: string): (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey> {
    return async (header, token) => {
      const cached = this.cached && this.now() < this.cached.expiresAt ? this.cached.resolver : undefined;
      const resolver = cached ?? (await this.refresh(jwksUri));
      try {
        return await resolver(header, token);
      } catch (error) {
        if (!(error instanceof jose().errors.JWKSNoMatchingKey) || !cached) throw error;
        return await (
          await this.refresh(jwksUri)
        )(header, token);
      }
    };
  }

  private refresh(jwksUri: string): Promise<KeyResolver> {
    return this.flight.run(jwksUri, () => this.fetch(jwksUri));
  }

  private async fetch(jwksUri: string): Promise<KeyResolver> {
    this.fetches += 1;
    const response = await this.http.request('jwks', 'idempotent', (http) => http.get(jwksUri));
    const body = response.statusCode === 200 ? parseJsonObject(response.body) : undefined;
    if (!body || !Array.isArray(body.keys)) {
      throw new IntegrationError(
        response.statusCode >= 500 || response.statusCode === 429 ? 'provider_unavailable' : 'provider_error',
        `the JWKS request answered ${response.statusCode} without a key set`,
      );
    }
    const resolver = jose().createLocalJWKSet(body as unknown as JSONWebKeySet);
    const lifetimeSeconds = jwksLifetimeSeconds(response.headers['cache-control']);
    this.cached = { resolver, expiresAt: this.now() + lifetimeSeconds * 1000 };
    return resolver;
  }
}
