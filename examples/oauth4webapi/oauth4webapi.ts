/**
 * oauth4webapi 3 (https://github.com/panva/oauth4webapi), as its
 * "Authorization Code Flow (OpenID Connect)" example (examples/oidc.ts)
 * teaches: `discoveryRequest` and `processDiscoveryResponse`; a PKCE S256
 * verifier per attempt, and a `nonce` only when the provider offers no S256
 * (this one does: no nonce), no `state` (PKCE stands in for it);
 * `validateAuthResponse` (its `iss` check, RFC 9207, and the error
 * response), `authorizationCodeGrantRequest` and
 * `processAuthorizationCodeResponse` (the token response and the ID token's
 * claims; its signature is not verified: the example calls nothing for it),
 * `getValidatedIdTokenClaims`; `refreshTokenGrantRequest` and
 * `processRefreshTokenResponse`; `revocationRequest` and
 * `processRevocationResponse`. `allowInsecureRequests` only because the
 * mock's issuer is http on loopback.
 */
import * as oauth from 'oauth4webapi';

import { authorizationError, Problem } from '../openid-client/problems';
import { settings } from '../openid-client/settings';
import type { Connection } from '../openid-client/store';
import { type OAuthLibrary, type ProviderAnswer, StateRefused, type Tokens } from '../shared/library';
import { providerProblem, unreachable } from '../shared/refusals';

const client: oauth.Client = { client_id: settings.clientId };
const clientAuth = oauth.ClientSecretBasic(settings.clientSecret);
const http = { [oauth.allowInsecureRequests]: settings.issuer.protocol === 'http:' };

let discovered: { as: Promise<oauth.AuthorizationServer>; at: number } | undefined;

/** The provider's metadata (oauth4webapi checks its issuer), kept for an hour; a failure not kept. */
function authorizationServer(): Promise<oauth.AuthorizationServer> {
  if (!discovered || discovered.at < Date.now() - 3600_000) {
    const as = oauth
      .discoveryRequest(settings.issuer, { algorithm: 'oidc', ...http })
      .then((response) => oauth.processDiscoveryResponse(settings.issuer, response))
      .catch((error: unknown) => {
        if (discovered?.as === as) discovered = undefined;
        throw providerProblem('discovery', answerOf(error) ?? {});
      });
    discovered = { as, at: Date.now() };
  }
  return discovered.as;
}

function tokensOf(result: oauth.TokenEndpointResponse): Tokens {
  return {
    accessToken: result.access_token,
    refreshToken: result.refresh_token,
    expiresAt: result.expires_in === undefined ? undefined : Date.now() + result.expires_in * 1000,
    scope: result.scope,
    idToken: result.id_token,
    claims: oauth.getValidatedIdTokenClaims(result),
  };
}

/** An ID token oauth4webapi refused (its claims) is `invalid_id_token`; anything else as the provider's answer says. */
function refusalOf(error: unknown): never {
  if (error instanceof oauth.OperationProcessingError && /JWT|ID Token/.test(error.message))
    throw new Problem('invalid_id_token', 'the ID token was refused');
  throw error;
}

function answerOf(error: unknown): ProviderAnswer | undefined {
  if (error instanceof oauth.ResponseBodyError)
    return {
      status: error.status,
      error: error.error,
      retryAfter: error.response.headers.get('retry-after') ?? undefined,
    };
  if (error instanceof oauth.WWWAuthenticateChallengeError)
    return { status: error.response.status, error: error.cause[0]?.parameters.error };
  if (error instanceof oauth.OperationProcessingError && error.cause instanceof Response)
    return { status: error.cause.status, retryAfter: error.cause.headers.get('retry-after') ?? undefined };
  if (unreachable(error)) return { unreachable: true };
  return undefined;
}

async function revokeOne(as: oauth.AuthorizationServer, token: string): Promise<void> {
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, token, http));
}

export const oauth4webapiLibrary: OAuthLibrary = {
  name: 'oauth4webapi',
  ready: () => authorizationServer().then(() => undefined),
  async authorizationRequest(scope, extra) {
    const as = await authorizationServer();
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const url = new URL(as.authorization_endpoint ?? '');
    url.searchParams.set('client_id', client.client_id);
    url.searchParams.set('redirect_uri', settings.redirectUri.href);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', scope);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    let nonce: string | undefined;
    if (as.code_challenge_methods_supported?.includes('S256') !== true) {
      nonce = oauth.generateRandomNonce();
      url.searchParams.set('nonce', nonce);
    }
    for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
    return { url, kept: { codeVerifier, ...(nonce ? { nonce } : {}) } };
  },
  async callback(url, pending) {
    const as = await authorizationServer();
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(as, client, url);
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError)
        throw authorizationError(error.error, error.error_description);
      const message = error instanceof Error ? error.message : '';
      if (message.includes('"iss"'))
        throw message.includes('missing')
          ? new Problem('issuer_missing', 'the callback has no iss')
          : new Problem('issuer_mismatch', 'the callback names another issuer');
      if (message.includes('"state"')) throw new StateRefused();
      throw error;
    }
    if (!params.get('code')) throw new Problem('code_missing', 'the callback has no code');
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      settings.redirectUri.href,
      pending.codeVerifier ?? '',
      http,
    );
    const result = await oauth
      .processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce })
      .catch(refusalOf);
    return tokensOf(result);
  },
  async refresh(connection: Connection) {
    const as = await authorizationServer();
    const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, connection.refreshToken ?? '', http);
    return tokensOf(await oauth.processRefreshTokenResponse(as, client, response).catch(refusalOf));
  },
  async revoke(connection) {
    const as = await authorizationServer();
    let failed = false;
    for (const token of [connection.refreshToken, connection.accessToken])
      if (token) await revokeOne(as, token).catch(() => (failed = true));
    if (failed) throw new Error('a revocation failed');
  },
  answerOf,
};
