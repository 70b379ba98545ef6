/**
 * arctic 3 (https://arcticjs.dev), its generic OAuth2Client, as its guides
 * teach: `generateState()` and `generateCodeVerifier()` kept in the session
 * (their cookie), `createAuthorizationURLWithPKCE(..., S256, ...)`; at the
 * callback, "compare the state" (the state sent back against the stored
 * one: `code === null || storedState === null || state !== storedState`
 * refused), then `validateAuthorizationCode`; the ID token read with
 * `decodeIdToken`, which checks nothing (the guide: it came over HTTPS from
 * the token endpoint); `refreshAccessToken`, `revokeToken`. arctic does no
 * discovery: the endpoints come from the shared glue's (contract 2.1).
 */
import * as arctic from 'arctic';

import { settings } from '../openid-client/settings';
import { providerMetadata } from '../shared/discovery';
import { type OAuthLibrary, StateRefused, type Tokens } from '../shared/library';
import { codeOf } from '../shared/refusals';

const client = new arctic.OAuth2Client(settings.clientId, settings.clientSecret, settings.redirectUri.href);

function tokensOf(tokens: arctic.OAuth2Tokens): Tokens {
  const has = (name: string) => name in tokens.data;
  const idToken = has('id_token') ? tokens.idToken() : undefined;
  return {
    accessToken: tokens.accessToken(),
    refreshToken: tokens.hasRefreshToken() ? tokens.refreshToken() : undefined,
    expiresAt: has('expires_in') ? tokens.accessTokenExpiresAt().getTime() : undefined,
    scope: tokens.hasScopes() ? tokens.scopes().join(' ') : undefined,
    idToken,
    claims: idToken === undefined ? undefined : arctic.decodeIdToken(idToken),
  };
}

export const arcticLibrary: OAuthLibrary = {
  name: 'arctic',
  ready: () => providerMetadata().then(() => undefined),
  async authorizationRequest(scope, extra) {
    const { authorization_endpoint } = await providerMetadata();
    const state = arctic.generateState();
    const codeVerifier = arctic.generateCodeVerifier();
    const url = client.createAuthorizationURLWithPKCE(
      authorization_endpoint,
      state,
      arctic.CodeChallengeMethod.S256,
      codeVerifier,
      scope.split(' '),
    );
    for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
    return { url, kept: { state, codeVerifier } };
  },
  async callback(url, pending) {
    const state = url.searchParams.get('state');
    if (state === null || pending.state === undefined || state !== pending.state) throw new StateRefused();
    const code = codeOf(url.searchParams);
    const { token_endpoint } = await providerMetadata();
    return tokensOf(await client.validateAuthorizationCode(token_endpoint, code, pending.codeVerifier ?? null));
  },
  async refresh(connection) {
    const { token_endpoint } = await providerMetadata();
    return tokensOf(await client.refreshAccessToken(token_endpoint, connection.refreshToken ?? '', []));
  },
  async revoke(connection) {
    const { revocation_endpoint } = await providerMetadata();
    if (!revocation_endpoint) return;
    let failed = false;
    for (const token of [connection.refreshToken, connection.accessToken])
      if (token) await client.revokeToken(revocation_endpoint, token).catch(() => (failed = true));
    if (failed) throw new Error('a revocation failed');
  },
  answerOf(error) {
    if (error instanceof arctic.ArcticFetchError) return { unreachable: true };
    if (error instanceof arctic.OAuth2RequestError) return { status: 400, error: error.code };
    if (error instanceof arctic.UnexpectedResponseError || error instanceof arctic.UnexpectedErrorResponseBodyError)
      return { status: error.status };
    return undefined;
  },
};
