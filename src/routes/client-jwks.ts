/**
 * `GET /jwks.json`: the client's public keys (RFC 7517), for the provider to
 * verify its `private_key_jwt` assertions (RFC 7523; registered as the
 * client's `jwks_uri`). Every key of CLIENT_SIGNING_KEYS, newest first, the
 * public parts only. 404 when the client authenticates with a secret.
 *
 * Each published key is built from an allow-list of members, never by
 * removing the private ones from the configured key: a member nobody listed
 * (a stray `k`, a vendor's own extension) is never published. The public
 * members of each key type: RSA `n`, `e` (RFC 7518 6.3.1); EC `crv`, `x`,
 * `y` (RFC 7518 6.2.1); OKP `crv`, `x` (RFC 8037 2). With them `kty`, and
 * `kid`, `alg` and `use` (RFC 7517 4.1 to 4.5); not `key_ops`, which RFC
 * 7517 4.3 says not to send with `use`, nor certificates, which these keys
 * never have. A key of another type is not published.
 */
import type { JWK } from 'jose';

import { IntegrationError } from '../errors';
import type { IntegrationMiddleware } from '../http/integration-state';
import type { ClientAssertions } from '../oauth/client-assertion';

export interface ClientJwksDependencies {
  readonly clientAssertions: Pick<ClientAssertions, 'publicJwks'> | undefined;
}

const publicMembersOf: Readonly<Record<string, readonly string[]>> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};
const commonMembers = ['kid', 'alg', 'use'] as const;

/** The public key as published: `kty`, its type's public members and the common ones, each a string; else nothing. */
export function publishedKey(key: JWK): JWK | undefined {
  const given = key as Readonly<Record<string, unknown>>;
  const members = key.kty === undefined ? undefined : publicMembersOf[key.kty];
  if (!members || members.some((name) => typeof given[name] !== 'string')) return undefined;
  const published: Record<string, string> = { kty: key.kty as string };
  for (const name of [...members, ...commonMembers]) {
    const value = given[name];
    if (typeof value === 'string') published[name] = value;
  }
  return published;
}

export function clientJwks(deps: ClientJwksDependencies): IntegrationMiddleware {
  return async (ctx) => {
    if (!deps.clientAssertions) throw new IntegrationError('not_found', 'this integration publishes no keys');
    ctx.type = 'application/jwk-set+json';
    // Short, so a rotation reaches the provider soon: a provider may not refetch on an unknown kid before the
    // set it holds is stale (oidc-provider does not), and refuses the new key until then (client-authentication.ts).
    ctx.set('cache-control', 'public, max-age=60');
    ctx.body = {
      keys: deps.clientAssertions
        .publicJwks()
        .keys.map(publishedKey)
        .filter((key) => key !== undefined),
    };
  };
}
