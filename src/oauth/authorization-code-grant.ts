/**
 * Step 3, the token request (RFC 6749 4.1.3, RFC 7636 4.5): the code, the
 * same `redirect_uri`, the `code_verifier`, and client authentication. Never
 * retried: a code is good for one attempt only.
 */
import type { Response } from 'got';
import type { ProviderClient } from '../http/provider-client';
import type { PendingAuthorization } from '../store/store';
import { clientSecretBasic } from './client-authentication';

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export function authorizationCodeGrantRequest(
  http: ProviderClient,
  tokenEndpoint: string,
  client: ClientCredentials,
  code: string,
  pending: PendingAuthorization,
): Promise<Response<string>> {
  return http.request('token', 'never', (got) =>
    got.post(tokenEndpoint, {
      headers: { authorization: clientSecretBasic(client.clientId, client.clientSecret) },
      form: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: pending.redirectUri,
        code_verifier: pending.codeVerifier,
      },
    }),
  );
}
