/**
 * @badgateway/oauth2-client 3 (https://github.com/badgateway/oauth2), as its
 * README teaches: `new OAuth2Client({ server, clientId, clientSecret,
 * discoveryEndpoint })` (its own discovery, at the OpenID Connect document:
 * its default is the RFC 8414 one), `generateCodeVerifier()`,
 * `authorizationCode.getAuthorizeUri({ redirectUri, state, codeVerifier,
 * scope })`; at the callback `getTokenFromCodeRedirect(url, { redirectUri,
 * state, codeVerifier })` (the provider's error, the code, then the state,
 * "if it's passed"); `client.refreshToken(token)` (which keeps the old
 * refresh token when none comes back), `client.revoke(token, hint)`. It does
 * not read ID tokens: the glue reads the account from it unverified.
 */
import { randomBytes } from 'node:crypto';

import { generateCodeVerifier, OAuth2Client, OAuth2Error, OAuth2HttpError } from '@badgateway/oauth2-client';

import { authorizationError, Problem } from '../openid-client/problems';
import { settings } from '../openid-client/settings';
import type { Connection } from '../openid-client/store';
import { type OAuthLibrary, type ProviderAnswer, StateRefused, type Tokens } from '../shared/library';
import { unreachable } from '../shared/refusals';

const client = new OAuth2Client({
  server: settings.issuer.href,
  clientId: settings.clientId,
  clientSecret: settings.clientSecret,
  discoveryEndpoint: '/.well-known/openid-configuration',
});

const tokenOf = (connection: Connection) => ({
  accessToken: connection.accessToken,
  refreshToken: connection.refreshToken ?? null,
  expiresAt: connection.expiresAt ?? null,
});

function tokensOf(token: Awaited<ReturnType<OAuth2Client['refreshToken']>>): Tokens {
  return {
    accessToken: token.accessToken,
    refreshToken: token.refreshToken ?? undefined,
    expiresAt: token.expiresAt ?? undefined,
    idToken: token.idToken,
  };
}

export const badgatewayLibrary: OAuthLibrary = {
  name: '@badgateway/oauth2-client',
  ready: () => client.getEndpoint('tokenEndpoint').then(() => undefined),
  async authorizationRequest(scope, extra) {
    const state = randomBytes(32).toString('base64url');
    const codeVerifier = await generateCodeVerifier();
    const url = await client.authorizationCode.getAuthorizeUri({
      redirectUri: settings.redirectUri.href,
      state,
      codeVerifier,
      scope: scope.split(' '),
      extraParams: { ...extra },
    });
    return { url: new URL(url), kept: { state, codeVerifier } };
  },
  async callback(url, pending) {
    try {
      return tokensOf(
        await client.authorizationCode.getTokenFromCodeRedirect(url, {
          redirectUri: settings.redirectUri.href,
          state: pending.state,
          codeVerifier: pending.codeVerifier,
        }),
      );
    } catch (error) {
      if (error instanceof OAuth2Error && !(error instanceof OAuth2HttpError))
        throw authorizationError(error.oauth2Code, url.searchParams.get('error_description') ?? undefined);
      const message = error instanceof Error ? error.message : '';
      if (message.startsWith('The "state" parameter')) throw new StateRefused();
      if (message.startsWith('The url did not contain a code')) throw new Problem('code_missing', 'no code');
      throw error;
    }
  },
  async refresh(connection) {
    return tokensOf(await client.refreshToken(tokenOf(connection)));
  },
  async revoke(connection) {
    let failed = false;
    if (connection.refreshToken) await client.revoke(tokenOf(connection), 'refresh_token').catch(() => (failed = true));
    await client.revoke(tokenOf(connection), 'access_token').catch(() => (failed = true));
    if (failed) throw new Error('a revocation failed');
  },
  answerOf(error): ProviderAnswer | undefined {
    if (error instanceof OAuth2HttpError)
      return {
        status: error.httpCode,
        error: error.oauth2Code,
        retryAfter: error.response.headers.get('retry-after') ?? undefined,
      };
    if (unreachable(error)) return { unreachable: true };
    return undefined;
  },
};
