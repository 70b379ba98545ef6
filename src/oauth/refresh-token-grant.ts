/**
 * The refresh request (RFC 6749 6): the refresh token and client
 * authentication, and no `scope`, so the provider grants exactly what was
 * granted before and never more. Sent again only when the provider said it
 * did not process it (429, 503): a rotated refresh token must not be replayed.
 */
import type { Response } from 'got';
import type { ProviderClient } from '../http/provider-client';
import type { ClientCredentials } from './authorization-code-grant';
import { clientSecretBasic } from './client-authentication';

export function refreshTokenGrantRequest(
  http: ProviderClient,
  tokenEndpoint: string,
  client: ClientCredentials,
  refreshToken: string,
): Promise<Response<string>> {
  return http.request('token', 'not-processed', (got) =>
    got.post(tokenEndpoint, {
      headers: { authorization: clientSecretBasic(client.clientId, client.clientSecret) },
      form: { grant_type: 'refresh_token', refresh_token: refreshToken },
    }),
  );
}
