/**
 * client-oauth2 4 (https://github.com/mulesoft-labs/js-client-oauth2), as
 * its README teaches: `new ClientOAuth2({ clientId, clientSecret,
 * accessTokenUri, authorizationUri, redirectUri, scopes })`,
 * `code.getUri({ state })` with a random state ("should be random for every
 * request"), at the callback `code.getToken(url, { state })` (the provider's
 * error, the state, the code), `token.refresh()`. It has no revocation, no
 * discovery (the endpoints come from the shared glue's, contract 2.1) and no
 * PKCE: the provider requires it, so the challenge goes in the README's
 * request option `query`, the verifier in `body` (parameters, not checks).
 */
import { createHash, randomBytes } from 'node:crypto';

import ClientOAuth2 from 'client-oauth2';

import { authorizationError, Problem } from '../openid-client/problems';
import { settings } from '../openid-client/settings';
import type { Connection } from '../openid-client/store';
import { providerMetadata } from '../shared/discovery';
import { type OAuthLibrary, type ProviderAnswer, StateRefused, type Tokens } from '../shared/library';

const random = () => randomBytes(32).toString('base64url');

let client: Promise<ClientOAuth2> | undefined;

function clientOf(): Promise<ClientOAuth2> {
  client ??= providerMetadata()
    .then(
      ({ authorization_endpoint, token_endpoint }) =>
        new ClientOAuth2({
          clientId: settings.clientId,
          clientSecret: settings.clientSecret,
          accessTokenUri: token_endpoint,
          authorizationUri: authorization_endpoint,
          redirectUri: settings.redirectUri.href,
        }),
    )
    .catch((error: unknown) => {
      client = undefined;
      throw error;
    });
  return client;
}

function tokensOf(token: ClientOAuth2.Token): Tokens {
  const data = token.data as Record<string, unknown>;
  const expires = (token as { expires?: Date }).expires?.getTime();
  return {
    accessToken: token.accessToken,
    refreshToken: token.refreshToken || undefined,
    expiresAt: expires === undefined || Number.isNaN(expires) ? undefined : expires,
    scope: typeof data.scope === 'string' ? data.scope : undefined,
    idToken: typeof data.id_token === 'string' ? data.id_token : undefined,
  };
}

export const clientOauth2Library: OAuthLibrary = {
  name: 'client-oauth2',
  ready: () => clientOf().then(() => undefined),
  async authorizationRequest(scope, extra) {
    const state = random();
    const codeVerifier = random();
    const url = (await clientOf()).code.getUri({
      state,
      scopes: scope.split(' '),
      query: {
        code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
        code_challenge_method: 'S256',
        ...extra,
      },
    });
    return { url: new URL(url), kept: { state, codeVerifier } };
  },
  async callback(url, pending) {
    try {
      const options = { state: pending.state, body: { code_verifier: pending.codeVerifier ?? '' } };
      return tokensOf(await (await clientOf()).code.getToken(url.href, options));
    } catch (error) {
      const e = error as { code?: string; body?: { error?: unknown; error_description?: unknown } };
      // An error the provider sent to the callback (not one of the token endpoint's: those have no code).
      if (e.code === 'EAUTH' && url.searchParams.has('error'))
        throw authorizationError(String(e.body?.error), url.searchParams.get('error_description') ?? undefined);
      const message = error instanceof Error ? error.message : '';
      if (message.startsWith('Invalid state')) throw new StateRefused();
      if (message.startsWith('Missing code') || message.startsWith('Unable to process uri'))
        throw new Problem('code_missing', 'the callback has no code');
      throw error;
    }
  },
  async refresh(connection: Connection) {
    const token = (await clientOf()).createToken(connection.accessToken, connection.refreshToken ?? '', 'bearer', {});
    return tokensOf(await token.refresh());
  },
  answerOf(error): ProviderAnswer | undefined {
    const e = error as { code?: string; status?: number; body?: unknown };
    if (e.code === 'EAUTH') {
      // client-oauth2 reads an OAuth error body before the status, and hides the status: the error names the failure.
      const { error: code } = e.body as { error?: unknown };
      if (code === 'server_error') return { status: 500 };
      if (code === 'temporarily_unavailable') return { status: 503 };
      return { status: 400, ...(typeof code === 'string' ? { error: code } : {}) };
    }
    if (e.code === 'ESTATUS') return { status: e.status };
    if (
      error instanceof Error &&
      /ECONNREFUSED|ECONNRESET|socket|network|EUNAVAILABLE/i.test(`${e.code} ${error.message}`)
    )
      return { unreachable: true };
    return undefined;
  },
};
