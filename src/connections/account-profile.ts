/**
 * The account's display name and email at connect time (contract 5.3, "The
 * account's name"): the ID token's `name` and `email` claims when it has
 * them; otherwise, for the ones it lacks whose scope was granted (`profile`
 * for `name`, `email` for `email`), the provider's userinfo answer (OIDC Core
 * 5.4: a conforming provider puts the profile claims there, not in the ID
 * token, when it issues an access token). Userinfo's `sub` must be the ID
 * token's (`userinfo_subject_mismatch` otherwise, thrown: the caller revokes
 * the tokens and stores nothing); any other failure of userinfo leaves the
 * account without them, shown by its subject, and is logged.
 */
import type { Logger } from 'pino';

import type { ProviderClient } from '../http/provider-client';
import type { ProviderMetadata } from '../oauth/discovery';
import type { DpopBinding } from '../oauth/dpop';
import type { TokenEndpointResponse } from '../oauth/process-token-response';
import { userinfoRequest } from '../oauth/userinfo-request';
import type { IdTokenClaims } from '../oauth/validate-id-token';

export interface AccountProfile {
  readonly name?: string;
  readonly email?: string;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

export async function accountProfile(
  deps: { readonly http: ProviderClient; readonly logger: Pick<Logger, 'warn'> },
  input: {
    readonly userId: string;
    readonly metadata: ProviderMetadata;
    readonly tokens: TokenEndpointResponse;
    readonly claims: IdTokenClaims;
    readonly dpop?: DpopBinding;
  },
): Promise<AccountProfile> {
  const { metadata, tokens, claims } = input;
  const fromIdToken = { name: text(claims.name), email: text(claims.email) };
  // What the ID token lacks and a granted scope asks for (OIDC Core 5.4): only these are read from userinfo.
  const nameWanted = fromIdToken.name === undefined && tokens.scopes.includes('profile');
  const emailWanted = fromIdToken.email === undefined && tokens.scopes.includes('email');
  if (!nameWanted && !emailWanted) return fromIdToken;
  const answer = metadata.userinfo_endpoint
    ? await userinfoRequest(deps.http, metadata.userinfo_endpoint, tokens.accessToken, claims.sub, input.dpop)
    : { ok: false as const, problem: 'the provider has no userinfo_endpoint' };
  if (!answer.ok) {
    deps.logger.warn({ userId: input.userId, problem: answer.problem }, 'account name not read from userinfo');
    return fromIdToken;
  }
  return {
    name: nameWanted ? text(answer.claims.name) : fromIdToken.name,
    email: emailWanted ? text(answer.claims.email) : fromIdToken.email,
  };
}
