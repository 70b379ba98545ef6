/**
 * The userinfo request (OIDC Core 5.3): the account's claims, asked of the
 * provider's `userinfo_endpoint` with the access token just issued, as
 * `Bearer`, or (DPOP=true) as `DPoP` with a proof of the connection's key and
 * the server's nonce (RFC 9449 7.1), as the vendor API's calls are sent.
 *
 * Its answer is a value: the claims, or the problem that kept them from us
 * (no answer, an error status, a body that is no JSON object, no `sub`), which
 * leaves the connection without a name (contract 5.3). One thing is a refusal:
 * a `sub` other than the ID token's, whose claims must not be used (OIDC Core
 * 5.3.4): `userinfo_subject_mismatch`.
 */
import { IntegrationError } from '../errors';
import { parseJsonObject, type ProviderClient, type ProviderResponse } from '../http/provider-client';
import { type DpopBinding, dpopProof, sendWithDpopNonce } from './dpop';

export type UserinfoAnswer =
  | { readonly ok: true; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly problem: string };

export async function userinfoRequest(
  http: ProviderClient,
  userinfoEndpoint: string,
  accessToken: string,
  expectedSubject: string,
  dpop?: DpopBinding,
): Promise<UserinfoAnswer> {
  const send = (authorization: string, proof?: string) =>
    http.request('userinfo', 'idempotent', (provider) =>
      provider.get(userinfoEndpoint, { headers: { authorization, ...(proof ? { dpop: proof } : {}) } }),
    );
  let response: ProviderResponse;
  try {
    response = dpop
      ? await sendWithDpopNonce(dpop, userinfoEndpoint, async (nonce) =>
          send(
            `DPoP ${accessToken}`,
            await dpopProof(dpop.key, { method: 'GET', url: userinfoEndpoint, nonce, accessToken }, dpop.now()),
          ),
        )
      : await send(`Bearer ${accessToken}`);
  } catch (error) {
    if (!(error instanceof IntegrationError)) throw error;
    return { ok: false, problem: `${error.code}: ${error.message}` };
  }
  if (response.statusCode !== 200) {
    const error = parseJsonObject(response.body)?.error;
    const code = typeof error === 'string' && /^[\x20-\x7e]{1,64}$/.test(error) ? ` "${error}"` : '';
    return { ok: false, problem: `userinfo answered ${response.statusCode}${code}` };
  }
  const claims = parseJsonObject(response.body);
  if (!claims) return { ok: false, problem: 'userinfo answered a body that is not a JSON object' };
  if (typeof claims.sub !== 'string' || claims.sub === '') return { ok: false, problem: 'userinfo answered no "sub"' };
  if (claims.sub !== expectedSubject)
    throw new IntegrationError('userinfo_subject_mismatch', `userinfo: unexpected "sub" value (not the ID token's)`);
  return { ok: true, claims };
}
