/**
 * The connect flow's glue: `GET /connect` asks the library for the
 * authorization request and keeps what it returns in the session (one
 * pending authorization per session, as a cookie would hold it); the
 * callback hands the library the URL and the session's pending
 * authorization, and stores what the library hands back. The glue's own
 * rules are the contract's, never OAuth checks: a session (3.2), `return_to`
 * a path on this site (5.1), the scopes (3.7), `prompt=consent` with
 * `offline_access` (2.1), the account of an upgrade (3.7), the callback's
 * `Referrer-Policy` (5.2).
 */
import type Koa from 'koa';

import { Problem } from '../openid-client/problems';
import { queryOf, requireSession, returnToOf } from '../openid-client/requests';
import { settings } from '../openid-client/settings';
import { type Connection, connections } from '../openid-client/store';
import { providerMetadata } from './discovery';
import { type OAuthLibrary, type PendingAuthorization, StateRefused } from './library';
import { providerProblem, stateRefusal } from './refusals';
import { forgetOldStates, issuedStates, pendingBySession, pendingOf } from './store';
import { connectionFrom, revokeWith } from './tokens';

/** Contract 3.7: the configured scopes, those granted now, and those asked for (each configured or optional). */
function scopesToAsk(
  userId: string,
  asked: string | undefined,
): Pick<PendingAuthorization, 'scope' | 'expectedAccount'> {
  const configured = settings.scopes.split(' ').filter(Boolean);
  const extra = asked === undefined ? [] : asked.split(' ').filter(Boolean);
  const allowed = new Set([...configured, ...settings.optionalScopes]);
  if (asked !== undefined && (extra.length === 0 || extra.length > 16 || !extra.every((s) => allowed.has(s))))
    throw new Problem('unknown_scope', 'the scope parameter names a scope this integration does not ask for');
  const connection = connections.get(userId);
  const scope = [...new Set([...configured, ...(connection?.scopes ?? []), ...extra])].join(' ');
  if (asked === undefined || !connection) return { scope };
  return { scope, expectedAccount: { issuer: connection.issuer, subject: connection.subject } };
}

/**
 * Contract 5.3: an ID token without `name` (a conforming provider's, OIDC Core 5.4) leaves the name to userinfo, read
 * here with the access token as Bearer. Glue, not a check: userinfo's `sub` is not compared with the ID token's
 * (requirement 14b is the library's to meet, and these libraries' glue does not), and a failure leaves no name.
 */
async function namedFromUserinfo(connection: Connection): Promise<Connection> {
  if (connection.name !== undefined || !connection.scopes.includes('profile')) return connection;
  try {
    const endpoint = (await providerMetadata()).userinfo_endpoint;
    if (typeof endpoint !== 'string') return connection;
    const response = await fetch(endpoint, {
      headers: { authorization: `Bearer ${connection.accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(settings.providerTimeoutMs),
    });
    const body: unknown = response.status === 200 ? await response.json() : undefined;
    const name = (body as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' && name !== '' ? { ...connection, name } : connection;
  } catch {
    return connection;
  }
}

export const startConnecting =
  (library: OAuthLibrary): Koa.Middleware =>
  async (ctx) => {
    if (ctx.method !== 'GET') throw new Problem('method_not_allowed', 'only GET starts a connect');
    const query = queryOf(ctx);
    const session = requireSession(ctx);
    const returnTo = returnToOf(query.get('return_to'));
    const { scope, expectedAccount } = scopesToAsk(session.userId, query.get('scope'));
    // OpenID Connect Core 11 (contract 2.1): a refresh token for offline_access needs explicit consent.
    const extra: Record<string, string> = scope.split(' ').includes('offline_access') ? { prompt: 'consent' } : {};
    const { url, kept } = await library.authorizationRequest(scope, extra);
    const now = Date.now();
    forgetOldStates(now, settings.pendingTtlMs);
    pendingBySession.set(session.id, {
      ...kept,
      sessionId: session.id,
      userId: session.userId,
      scope,
      returnTo,
      ...(expectedAccount ? { expectedAccount } : {}),
      createdAt: now,
      expiresAt: now + settings.pendingTtlMs,
    });
    if (kept.state) issuedStates.set(kept.state, { sessionId: session.id, expiresAt: now + settings.pendingTtlMs });
    ctx.redirect(url.href);
  };

export const finishConnecting =
  (library: OAuthLibrary): Koa.Middleware =>
  async (ctx) => {
    ctx.set('referrer-policy', 'no-referrer'); // the callback's URL holds the code
    if (ctx.method !== 'GET') throw new Problem('method_not_allowed', 'only GET delivers a callback');
    const query = queryOf(ctx);
    const session = requireSession(ctx);
    const pending = pendingOf(session.id);
    const url = new URL(settings.redirectUri.href);
    url.search = ctx.querystring;
    // No pending authorization: nothing to finish with (no verifier, no return_to), as with no cookie.
    if (!pending) throw stateRefusal(query, session);
    let connection: Connection;
    try {
      const tokens = await library.callback(url, pending).catch((error: unknown) => {
        if (error instanceof StateRefused) throw stateRefusal(query, session);
        throw error instanceof Problem ? error : providerProblem('code', library.answerOf(error));
      });
      connection = await namedFromUserinfo(connectionFrom(tokens, pending.scope));
      const expected = pending.expectedAccount;
      if (expected && (connection.issuer !== expected.issuer || connection.subject !== expected.subject)) {
        await revokeWith(library, connection);
        throw new Problem('account_mismatch', 'the upgrade came back for another account than the one connected');
      }
    } finally {
      const issued = issuedStates.get(query.get('state') ?? '');
      if (issued?.sessionId === session.id) issued.usedAt ??= Date.now(); // to name a later refusal only
    }
    const replaced = connections.get(session.userId);
    connections.set(session.userId, connection);
    if (replaced) await revokeWith(library, replaced);
    ctx.status = 303;
    ctx.redirect(pending.returnTo);
  };
