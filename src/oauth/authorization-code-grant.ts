/**
 * Step 3, the token request (RFC 6749 4.1.3, RFC 7636 4.5): the code, the
 * same `redirect_uri`, the `code_verifier`, and client authentication. Never
 * retried: a code is good for one attempt only.
 */
import type { ProviderClient, ProviderResponse } from '../http/provider-client';
import type { PendingAuthorization } from '../store/store';
import type { ClientAuthentication } from './client-authentication';
import type { DpopBinding } from './dpop';
import { tokenRequest } from './token-request';

/**
 * With DPoP, a proof of the connection's new key rides along, and a
 * `use_dpop_nonce` answer is sent once more with the nonce: the provider did
 * not process the code then (RFC 9449 8).
 */
export function authorizationCodeGrantRequest(
  http: ProviderClient,
  tokenEndpoint: string,
  client: ClientAuthentication,
  code: string,
  pending: PendingAuthorization,
  dpop?: DpopBinding,
): Promise<ProviderResponse<string>> {
  const form = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: pending.redirectUri,
    code_verifier: pending.codeVerifier,
  };
  return tokenRequest({ http, tokenEndpoint, client, policy: 'never', form, ...(dpop ? { dpop } : {}) });
}
