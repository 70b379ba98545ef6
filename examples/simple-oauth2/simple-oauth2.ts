/**
 * simple-oauth2 5 (https://github.com/lelylan/simple-oauth2), as its README
 * teaches: `new AuthorizationCode(config)`, `authorizeURL({ redirect_uri,
 * scope, state })`; at the callback, `getToken({ code, redirect_uri, scope
 * })` with the code from the query (the README compares no state);
 * `accessToken.refresh()`, `accessToken.revokeAll()`. It does no discovery
 * (the endpoints come from the shared glue's, contract 2.1) and has no PKCE:
 * the provider requires it, so the verifier's challenge goes in as the
 * README's "non-standard params may be passed as well", and the verifier
 * with `getToken`'s parameters (a parameter, not a check).
 */
import { createHash, randomBytes } from 'node:crypto';

import { type AccessToken, AuthorizationCode, type ModuleOptions } from 'simple-oauth2';

import { settings } from '../openid-client/settings';
import type { Connection } from '../openid-client/store';
import { providerMetadata } from '../shared/discovery';
import type { OAuthLibrary, ProviderAnswer, Tokens } from '../shared/library';
import { codeOf } from '../shared/refusals';

const random = () => randomBytes(32).toString('base64url');

let client: Promise<AuthorizationCode> | undefined;

/** The client, configured from the discovered endpoints. */
function clientOf(): Promise<AuthorizationCode> {
  client ??= providerMetadata()
    .then(({ authorization_endpoint, token_endpoint, revocation_endpoint }) => {
      const token = new URL(token_endpoint);
      const authorize = new URL(authorization_endpoint);
      const config: ModuleOptions = {
        client: { id: settings.clientId, secret: settings.clientSecret },
        auth: {
          tokenHost: token.origin,
          tokenPath: token.pathname,
          authorizeHost: authorize.origin,
          authorizePath: authorize.pathname,
          ...(revocation_endpoint ? { revokePath: new URL(revocation_endpoint).pathname } : {}),
        },
      };
      return new AuthorizationCode(config);
    })
    .catch((error: unknown) => {
      client = undefined;
      throw error;
    });
  return client;
}

function tokensOf(accessToken: AccessToken): Tokens {
  const token = accessToken.token as Record<string, unknown>;
  const text = (name: string) => (typeof token[name] === 'string' ? token[name] : undefined);
  return {
    accessToken: String(token.access_token),
    refreshToken: text('refresh_token'),
    expiresAt: token.expires_at instanceof Date ? token.expires_at.getTime() : undefined,
    scope: text('scope'),
    idToken: text('id_token'),
  };
}

/** The token as simple-oauth2 keeps it (its README's `client.createToken` of a stored token). */
async function accessTokenOf(connection: Connection): Promise<AccessToken> {
  return (await clientOf()).createToken({
    access_token: connection.accessToken,
    ...(connection.refreshToken ? { refresh_token: connection.refreshToken } : {}),
    ...(connection.expiresAt ? { expires_at: new Date(connection.expiresAt) } : {}),
  });
}

export const simpleOauth2Library: OAuthLibrary = {
  name: 'simple-oauth2',
  ready: () => clientOf().then(() => undefined),
  async authorizationRequest(scope, extra) {
    const state = random();
    const codeVerifier = random();
    // The README: "non-standard oauth params may be passed as well" (its types name only the standard ones).
    const parameters = {
      redirect_uri: settings.redirectUri.href,
      scope,
      state,
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...extra,
    };
    const url = (await clientOf()).authorizeURL(parameters);
    return { url: new URL(url), kept: { state, codeVerifier } };
  },
  async callback(url, pending) {
    const code = codeOf(url.searchParams);
    const parameters = {
      code,
      redirect_uri: settings.redirectUri.href,
      scope: pending.scope,
      code_verifier: pending.codeVerifier,
    };
    const accessToken = await (await clientOf()).getToken(parameters);
    return tokensOf(accessToken);
  },
  async refresh(connection) {
    return tokensOf(await (await accessTokenOf(connection)).refresh());
  },
  async revoke(connection) {
    await (await accessTokenOf(connection)).revokeAll();
  },
  answerOf(error): ProviderAnswer | undefined {
    const boom = error as {
      isBoom?: boolean;
      output?: { statusCode?: number };
      data?: { isResponseError?: boolean; payload?: unknown; headers?: Record<string, string | undefined> };
    };
    if (!boom.isBoom) return undefined;
    if (!boom.data?.isResponseError) return boom.output?.statusCode === 502 ? { unreachable: true } : undefined;
    const payload = boom.data.payload;
    const body =
      Buffer.isBuffer(payload) || typeof payload === 'string'
        ? (() => {
            try {
              return JSON.parse(String(payload)) as unknown;
            } catch {
              return undefined;
            }
          })()
        : payload;
    const oauthError = (body as { error?: unknown } | undefined)?.error;
    return {
      status: boom.output?.statusCode,
      ...(typeof oauthError === 'string' ? { error: oauthError } : {}),
      retryAfter: boom.data.headers?.['retry-after'],
    };
  },
};
