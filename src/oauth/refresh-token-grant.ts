/**
 * The refresh request (RFC 6749 6): the refresh token and client
 * authentication, and no `scope`, so the provider grants exactly what was
 * granted before and never more. Sent again only when the provider said it
 * did not process it (429, 503): a rotated refresh token must not be replayed.
 */
import type { ProviderResponse as Response } from '../http/provider-client';
import type { ProviderClient } from '../http/provider-client';
import { dpopProof, sendWithDpopNonce, type DpopBinding } from './dpop';
import type { ClientAuthentication } from './token-endpoint-auth';

export function refreshTokenGrantRequest(
  http: ProviderClient,
  tokenEndpoint: string,
  client: ClientAuthentication,
  refreshToken: string,
  dpop?: DpopBinding,
): Promise<Response<string>> {
  // Each attempt gets a fresh client assertion and a fresh proof (a jti is good once).
  const send = (nonce: string | undefined) =>
    client.send((credentialsToSend) =>
      http.request('token', 'not-processed', async (got) => {
        const credentials = await credentialsToSend();
        const proof = dpop ? { dpop: await dpopProof(dpop.key, { method: 'POST', url: tokenEndpoint, nonce }, dpop.now()) } : {};
        return got.post(tokenEndpoint, {
          headers: { ...credentials.headers, ...proof },
          form: { grant_type: 'refresh_token', refresh_token: refreshToken, ...credentials.form },
        });
      }),
    );
  return dpop ? sendWithDpopNonce(dpop, tokenEndpoint, send) : send(undefined);
}
