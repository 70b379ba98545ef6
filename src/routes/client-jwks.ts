/**
 * `GET /jwks.json`: the client's public keys (RFC 7517), for the provider to
 * verify its `private_key_jwt` assertions (RFC 7523; registered as the
 * client's `jwks_uri`). Every key of CLIENT_SIGNING_KEYS, newest first, the
 * public parts only. 404 when the client authenticates with a secret.
 */
import { IntegrationError } from '../errors';
import type { IntegrationMiddleware } from '../http/integration-state';
import type { ClientAssertions } from '../oauth/client-assertion';

export interface ClientJwksDependencies {
  readonly clientAssertions: Pick<ClientAssertions, 'publicJwks'> | undefined;
}

export function clientJwks(deps: ClientJwksDependencies): IntegrationMiddleware {
  return async (ctx) => {
    if (!deps.clientAssertions) throw new IntegrationError('not_found', 'this integration publishes no keys');
    ctx.type = 'application/jwk-set+json';
    // Short, so a rotation reaches the provider soon: a provider may not refetch on an unknown kid before the
    // set it holds is stale (oidc-provider does not), and refuses the new key until then (token-endpoint-auth.ts).
    ctx.set('cache-control', 'public, max-age=60');
    ctx.body = deps.clientAssertions.publicJwks();
  };
}
