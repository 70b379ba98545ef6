/**
 * A request to the token endpoint (RFC 6749 3.2), whatever its grant: the
 * grant's parameters with client authentication, each attempt with fresh
 * credentials and, with DPoP, a fresh proof of the connection's key (a jti
 * is good once). A `use_dpop_nonce` answer is sent once more with the nonce:
 * the provider did not process the request then (RFC 9449 8).
 */
import type { ProviderClient, ProviderResponse, RetryPolicy } from '../http/provider-client';
import type { ClientAuthentication } from './client-authentication';
import { type DpopBinding, dpopProof, sendWithDpopNonce } from './dpop';

export interface TokenRequest {
  readonly http: ProviderClient;
  readonly tokenEndpoint: string;
  readonly client: ClientAuthentication;
  /** When the provider's answer allows sending it again (a code never; a refresh only when not processed). */
  readonly policy: RetryPolicy;
  /** The grant's own parameters. */
  readonly form: Readonly<Record<string, string>>;
  readonly dpop?: DpopBinding;
}

export function tokenRequest({
  http,
  tokenEndpoint,
  client,
  policy,
  form,
  dpop,
}: TokenRequest): Promise<ProviderResponse> {
  const send = (nonce: string | undefined) =>
    client.send((credentialsToSend) =>
      http.request('token', policy, async (provider) => {
        const credentials = await credentialsToSend();
        const proof = dpop
          ? { dpop: await dpopProof(dpop.key, { method: 'POST', url: tokenEndpoint, nonce }, dpop.now()) }
          : {};
        return provider.post(tokenEndpoint, {
          headers: { ...credentials.headers, ...proof },
          form: { ...form, ...credentials.form },
        });
      }),
    );
  return dpop ? sendWithDpopNonce(dpop, tokenEndpoint, send) : send(undefined);
}
