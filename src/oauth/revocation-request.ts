/**
 * Token revocation (RFC 7009): the token, a `token_type_hint`, and client
 * authentication. 200 means done, also for a token the provider no longer
 * knows (2.2). 503 means the token is still valid: try again later, after
 * `Retry-After` when the provider sent one (2.2.1). Anything else but a
 * refused token type is worth another try too.
 */
import { parseJsonObject, type ProviderClient, retryAfterSeconds } from '../http/provider-client';
import type { ClientAuthentication } from './client-authentication';

export type RevocationOutcome =
  { readonly done: true } | { readonly done: false; readonly reason: string; readonly retryAfterSeconds?: number };

export async function revocationRequest(
  http: ProviderClient,
  revocationEndpoint: string,
  client: ClientAuthentication,
  token: string,
  tokenTypeHint: 'refresh_token' | 'access_token',
  now: number,
): Promise<RevocationOutcome> {
  let response;
  try {
    response = await client.send((credentialsToSend) =>
      http.request('revocation', 'idempotent', async (http) => {
        const credentials = await credentialsToSend();
        return http.post(revocationEndpoint, {
          headers: { ...credentials.headers },
          form: { token, token_type_hint: tokenTypeHint, ...credentials.form },
        });
      }),
    );
  } catch (error) {
    return { done: false, reason: (error as Error).message };
  }
  if (response.statusCode === 200) return { done: true };
  const error = parseJsonObject(response.body)?.error;
  // The provider will never revoke this kind of token: retrying changes nothing.
  if (error === 'unsupported_token_type') return { done: true };
  return {
    done: false,
    reason: `the revocation endpoint answered ${response.statusCode}${typeof error === 'string' ? ` "${error.slice(0, 64)}"` : ''}`,
    retryAfterSeconds: retryAfterSeconds(response.headers['retry-after'], now),
  };
}
