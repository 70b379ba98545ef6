/**
 * The provider's signing keys (its JWKS), fetched on first use and cached.
 * A token signed with a key id the cache does not know triggers one refetch
 * (the provider may have rotated its keys), never more per token.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import { IntegrationError } from '../errors';
import { parseJsonObject, type ProviderClient } from '../http/provider-client';
import { SingleFlight } from '../single-flight';

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

export class JwksCache {
  private resolver: KeyResolver | undefined;
  private readonly flight = new SingleFlight<KeyResolver>();
  /** How many times the JWKS was fetched (for metrics and tests). */
  fetches = 0;

  constructor(private readonly http: ProviderClient) {}

  /** A key resolver for `jose.jwtVerify`, bound to the provider's `jwks_uri`. */
  keyFor(jwksUri: string): (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey> {
    return async (header, token) => {
      const cached = this.resolver;
      const resolver = cached ?? (await this.refresh(jwksUri));
      try {
        return await resolver(header, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey) || !cached) throw error;
        return await (await this.refresh(jwksUri))(header, token);
      }
    };
  }

  private refresh(jwksUri: string): Promise<KeyResolver> {
    return this.flight.run(jwksUri, () => this.fetch(jwksUri));
  }

  private async fetch(jwksUri: string): Promise<KeyResolver> {
    this.fetches += 1;
    const response = await this.http.request('jwks', 'idempotent', (got) => got.get(jwksUri));
    const body = response.statusCode === 200 ? parseJsonObject(response.body) : undefined;
    if (!body || !Array.isArray(body.keys)) {
      throw new IntegrationError(
        response.statusCode >= 500 || response.statusCode === 429 ? 'provider_unavailable' : 'provider_error',
        `the JWKS request answered ${response.statusCode} without a key set`,
      );
    }
    this.resolver = createLocalJWKSet(body as unknown as JSONWebKeySet);
    return this.resolver;
  }
}
