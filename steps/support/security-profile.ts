/**
 * The security-profile dimension of a run (cucumber's worldParameters
 * `securityProfile`): `basic`, today's flow (client_secret_basic, bearer
 * tokens, the authorization request in the front channel), or `fapi2`, the
 * same scenarios against the mock's FAPI 2.0 profile (PAR required,
 * DPoP-bound tokens, private_key_jwt) with our integration configured for
 * PAR, private_key_jwt and DPoP. A remote run is always `basic`.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import type { Environment } from '../../src/config';

export type SecurityProfile = 'basic' | 'fapi2';

/** The profile a run's worldParameters name (`basic` unless `fapi2`). */
export function securityProfileOf(parameters: unknown): SecurityProfile {
  return (parameters as { securityProfile?: string } | undefined)?.securityProfile === 'fapi2' ? 'fapi2' : 'basic';
}

/** A client signing key as CLIENT_SIGNING_KEYS holds it: a private EC P-256 JWK with a kid. */
export function newClientKey(kid: string): JWK {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid };
}

/** What our integration is configured with under FAPI 2.0: PAR, private_key_jwt with these keys (newest first), DPoP, ES256 ID tokens. */
export function fapi2Environment(clientKeys: readonly JWK[]): Environment {
  return {
    PUSHED_AUTHORIZATION_REQUESTS: 'true',
    CLIENT_AUTH_METHOD: 'private_key_jwt',
    CLIENT_SIGNING_KEYS: JSON.stringify({ keys: clientKeys }),
    DPOP: 'true',
    // FAPI 2.0 Security Profile 5.4: not RS256. The mock's fapi2 profile signs its ID tokens with ES256.
    ID_TOKEN_SIGNED_RESPONSE_ALG: 'ES256',
  };
}

/**
 * The parameters of the authorization request a browser was sent with, as
 * the provider received them: in the authorization URL itself, or, when that
 * URL carries only `client_id` and a `request_uri` (PAR, RFC 9126 4), in the
 * pushed request the provider answered with that `request_uri`.
 */
export async function authorizationRequestParameters(
  provider: {
    requests(
      endpoint: 'par',
    ): Promise<
      readonly { readonly requestUri: string | undefined; readonly params: Readonly<Record<string, unknown>> }[]
    >;
  },
  authorizationUrl: string,
): Promise<URLSearchParams> {
  const inUrl = new URL(authorizationUrl).searchParams;
  const requestUri = inUrl.get('request_uri');
  if (requestUri === null) return inUrl;
  const pushed = (await provider.requests('par')).find((request) => request.requestUri === requestUri);
  if (!pushed) throw new Error(`the provider answered no pushed authorization request with ${requestUri}`);
  return new URLSearchParams(Object.entries(pushed.params).map(([name, value]) => [name, String(value)]));
}
