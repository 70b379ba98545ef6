/**
 * The connect flow: `GET /connect` sends the user to the provider with a
 * fresh state, nonce and PKCE verifier bound to the session; the callback
 * checks, in this order, iss (RFC 9207), the state, the provider's error
 * and the code, then lets openid-client exchange the code and validate the
 * ID token, and reads the account's name from userinfo when the ID token has
 * none (contract 5.3). Nothing is stored unless every check passed.
 */
import type Koa from 'koa';
import * as client from 'openid-client';

import { dpopHandle, fapi2, newDpopKey } from './fapi2';
import { authorizationError, Problem } from './problems';
import { configuration, problemOf, verifyIdToken } from './provider';
import { queryOf, requireSession, returnToOf } from './requests';
import { settings } from './settings';
import {
  connections,
  forgetOldAttempts,
  type PendingAuthorization,
  pendingAuthorizations,
  type Session,
} from './store';
import { connectionFrom, keptOrRevoked, revokeTokensOf } from './tokens';

export const startConnecting: Koa.Middleware = async (ctx) => {
  if (ctx.method !== 'GET') throw new Problem('method_not_allowed', 'only GET starts a connect');
  const query = queryOf(ctx);
  const session = requireSession(ctx);
  const returnTo = returnToOf(query.get('return_to'));
  const { scope, expectedAccount } = scopesToAsk(session.userId, query.get('scope'));
  const config = await configuration();
  const [state, nonce, codeVerifier, now] = [
    client.randomState(),
    client.randomNonce(),
    client.randomPKCECodeVerifier(),
    Date.now(),
  ];
  // FAPI 2.0 (contract 5.8): a key pair of this attempt's own, proved on the PAR and token requests.
  const dpopKey = fapi2.enabled ? await newDpopKey() : undefined;
  forgetOldAttempts(now, settings.pendingTtlMs);
  pendingAuthorizations.set(state, {
    state,
    nonce,
    codeVerifier,
    returnTo,
    expectedAccount,
    ...(dpopKey ? { dpopKey } : {}),
    sessionId: session.id,
    userId: session.userId,
    createdAt: now,
    expiresAt: now + settings.pendingTtlMs,
  });
  const parameters = {
    redirect_uri: settings.redirectUri.href,
    scope,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    // OpenID Connect Core 11: a refresh token (offline_access) is granted only with explicit consent.
    ...(scope.split(' ').includes('offline_access') ? { prompt: 'consent' } : {}),
  };
  // Under FAPI 2.0 the request is pushed (RFC 9126): the browser carries only client_id and request_uri.
  const url = dpopKey
    ? await client
        .buildAuthorizationUrlWithPAR(config, parameters, { DPoP: dpopHandle(config, dpopKey) })
        .catch((e: unknown) => Promise.reject(problemOf(e, 'par')))
    : client.buildAuthorizationUrl(config, parameters);
  ctx.redirect(url.href);
};

/**
 * Incremental authorization (contract 3.7): every connect asks for the union of the configured scopes and those
 * granted now, so connecting again never narrows what the user had (asking for less is disconnecting first).
 * `scope` names scopes to ask for in addition (each one configured or optional, else `unknown_scope`): that
 * upgrade must come back as the connection's account.
 */
function scopesToAsk(
  userId: string,
  asked: string | undefined,
): { scope: string; expectedAccount?: PendingAuthorization['expectedAccount'] } {
  const configured = settings.scopes.split(' ').filter(Boolean);
  const extra = asked === undefined ? [] : asked.split(' ').filter(Boolean);
  const allowed = new Set([...configured, ...settings.optionalScopes]);
  if (asked !== undefined && (extra.length === 0 || extra.length > 16 || !extra.every((s) => allowed.has(s)))) {
    throw new Problem('unknown_scope', 'the scope parameter names a scope this integration does not ask for');
  }
  const connection = connections.get(userId);
  const scope = [...new Set([...configured, ...(connection?.scopes ?? []), ...extra])].join(' ');
  if (asked === undefined || !connection) return { scope };
  return { scope, expectedAccount: { issuer: connection.issuer, subject: connection.subject } };
}

/**
 * The pending authorization a callback's state names, used up; or
 * where to land for a replay of a callback that connected.
 */
function takePending(state: string | undefined, session: Session): PendingAuthorization | { landOn: string } {
  if (!state) throw new Problem('state_missing', 'the callback has no state');
  const pending = pendingAuthorizations.get(state);
  if (!pending) throw new Problem('state_unknown', 'no authorization request has this state');
  if (pending.sessionId !== session.id)
    throw new Problem('state_mismatch', 'the state belongs to another browser session');
  if (pending.usedAt !== undefined) {
    const connection = connections.get(pending.userId);
    if (connection?.status === 'connected' && connection.connectedAt >= pending.createdAt)
      return { landOn: pending.returnTo };
    throw new Problem('state_already_used', 'this state was already used');
  }
  if (pending.expiresAt <= Date.now()) throw new Problem('state_expired', 'the authorization request has expired');
  pending.usedAt = Date.now();
  return pending;
}

export const finishConnecting: Koa.Middleware = async (ctx) => {
  ctx.set('referrer-policy', 'no-referrer'); // the callback's URL holds the code
  if (ctx.method !== 'GET') throw new Problem('method_not_allowed', 'only GET delivers a callback');
  const query = queryOf(ctx);
  const session = requireSession(ctx);
  const config = await configuration();
  const { issuer, authorization_response_iss_parameter_supported: issPromised } = config.serverMetadata();
  const iss = query.get('iss');
  // FAPI 2.0 Security Profile 5.3.3: iss is required whatever discovery promises.
  if (iss === undefined && (issPromised || fapi2.enabled))
    throw new Problem('issuer_missing', 'the callback has no iss');
  if (iss !== undefined && iss !== issuer) throw new Problem('issuer_mismatch', 'the callback names another issuer');
  const pending = takePending(query.get('state'), session);
  ctx.status = 303;
  if ('landOn' in pending) return ctx.redirect(pending.landOn);
  const error = query.get('error');
  // RFC 9126 4: the pushed request's request_uri expired before the browser arrived.
  if (error === 'invalid_request_uri' && pending.dpopKey)
    throw new Problem('authorization_request_expired', 'the pushed authorization request expired');
  if (error !== undefined) throw authorizationError(error, query.get('error_description'));
  if (!query.get('code')) throw new Problem('code_missing', 'the callback has no code');

  const url = new URL(settings.redirectUri.href);
  url.search = ctx.querystring;
  const checks = {
    pkceCodeVerifier: pending.codeVerifier,
    expectedState: pending.state,
    expectedNonce: pending.nonce,
    idTokenExpected: true,
  };
  const tokens = await client
    .authorizationCodeGrant(
      config,
      url,
      checks,
      undefined,
      pending.dpopKey ? { DPoP: dpopHandle(config, pending.dpopKey) } : {},
    )
    .catch((e: unknown) => Promise.reject(problemOf(e, 'code')));
  // Tokens issued are kept or revoked (contract 5.3): whatever refuses them from here revokes them.
  const connection = await keptOrRevoked(tokens, async () => {
    const claims = tokens.claims();
    if (!tokens.id_token || !claims) throw new Problem('invalid_token_response', 'the token response has no ID token');
    await verifyIdToken(config, tokens.id_token, claims);
    const { expectedAccount } = pending;
    if (expectedAccount && (claims.iss !== expectedAccount.issuer || claims.sub !== expectedAccount.subject))
      throw new Problem('account_mismatch', 'the upgrade came back for another account than the one connected');
    if (pending.dpopKey && tokens.token_type.toLowerCase() !== 'dpop')
      throw new Problem('token_not_dpop_bound', 'the provider issued tokens that are not DPoP-bound');
    const profile = await accountProfile(config, tokens, claims, pending.dpopKey);
    return { ...connectionFrom(tokens), ...profile, ...(pending.dpopKey ? { dpopKey: pending.dpopKey } : {}) };
  });
  const replaced = connections.get(pending.userId);
  connections.set(pending.userId, connection);
  if (replaced) await revokeTokensOf(replaced); // connecting again leaves no live grant behind
  ctx.redirect(pending.returnTo);
};

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The account's name and email (contract 5.3): the ID token's claims; for one it lacks whose scope was granted
 * (`profile` for `name`, `email` for `email`), userinfo's, asked with the access token (DPoP-bound under FAPI 2.0).
 * openid-client checks that userinfo's `sub` is the ID token's (OIDC Core 5.3.4): another is
 * `userinfo_subject_mismatch`, and the tokens are revoked (keptOrRevoked). Any other failure of userinfo leaves the
 * account shown by its subject.
 */
async function accountProfile(
  config: client.Configuration,
  tokens: client.TokenEndpointResponse,
  claims: client.IDToken,
  dpopKey: CryptoKeyPair | undefined,
): Promise<{ name: string | undefined; email: string | undefined }> {
  const scopes = (tokens.scope ?? settings.scopes).split(' ');
  const fromIdToken = { name: text(claims.name), email: text(claims.email) };
  const wanted =
    (fromIdToken.name === undefined && scopes.includes('profile')) ||
    (fromIdToken.email === undefined && scopes.includes('email'));
  if (!wanted || !config.serverMetadata().userinfo_endpoint) return fromIdToken;
  try {
    const userinfo = await client.fetchUserInfo(
      config,
      tokens.access_token,
      claims.sub,
      dpopKey ? { DPoP: dpopHandle(config, dpopKey) } : undefined,
    );
    return {
      name: fromIdToken.name ?? (scopes.includes('profile') ? text(userinfo.name) : undefined),
      email: fromIdToken.email ?? (scopes.includes('email') ? text(userinfo.email) : undefined),
    };
  } catch (error) {
    const compared = (error as { cause?: { cause?: { attribute?: unknown } } }).cause?.cause?.attribute;
    if (
      error instanceof client.ClientError &&
      error.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' &&
      compared === 'sub'
    )
      throw new Problem('userinfo_subject_mismatch', "userinfo named another account than the ID token's");
    return fromIdToken;
  }
}
