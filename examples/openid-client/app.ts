/**
 * The routes of the HTTP contract, as a Koa app.
 */
import { randomBytes } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa, { type Context } from 'koa';
import * as client from 'openid-client';
import { errorPage, signInPage, statusPage } from './pages';
import { authorizationError, Problem } from './problems';
import { configuration, problemOf, providerFetch, verifyIdToken } from './provider';
import { origin, settings } from './settings';
import { connections, forgetOldAttempts, pendingAuthorizations, sessions, type PendingAuthorization, type Session } from './store';
import { connectionFrom, disconnect, refresh, revokeTokensOf, usableConnection } from './tokens';

/** The query, strictly: a parameter sent twice, bad percent-encoding or an overlong value is `malformed_request`. */
function queryOf(ctx: Context): Map<string, string> {
  const refuse = () => new Problem('malformed_request', 'the query is malformed');
  if (ctx.querystring.length > 8192) throw refuse();
  const parameters = new Map<string, string>();
  for (const pair of ctx.querystring.split('&').filter(Boolean)) {
    const [name, value] = [pair.split('=')[0] ?? '', pair.split('=').slice(1).join('=')].map((part) => {
      try {
        return decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        throw refuse();
      }
    }) as [string, string];
    if (parameters.has(name) || value.length > 2048) throw refuse();
    parameters.set(name, value);
  }
  return parameters;
}

function requireSession(ctx: Context): Session {
  const session = sessions.get(ctx.cookies.get('sid') ?? '');
  if (!session) throw new Problem('session_required', 'sign in first');
  return session;
}

/** A state-changing request must come from this site (RFC 9700 4.7): Sec-Fetch-Site and Origin say where it came from. */
function requireSameSite(ctx: Context): void {
  const site = ctx.get('sec-fetch-site');
  const from = ctx.get('origin');
  if ((site && site !== 'same-origin' && site !== 'none') || (from && from !== origin)) {
    throw new Problem('cross_site_request', 'this request came from another site');
  }
}

/** `return_to`: a path on this site only, resolved as a browser would, so it can never lead elsewhere (RFC 9700 4.11.1). */
function returnToOf(value: string | undefined): string {
  if (!value) return '/';
  const refuse = new Problem('invalid_return_to', 'return_to must be a path on this site');
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith('/') || /[\\\u0000-\u001f]/.test(value)) throw refuse;
  let resolved: URL;
  try {
    resolved = new URL(value, origin);
    decodeURIComponent(resolved.pathname);
  } catch {
    throw refuse;
  }
  const path = resolved.pathname + resolved.search;
  if (resolved.origin !== origin || !/^\/(?![/\\])/.test(path) || /^\/(%2f|%5c)/i.test(path)) throw refuse;
  return path;
}

/** The pending authorization a callback's state names, used up; or where to land for a replay of a callback that connected. */
function takePending(state: string | undefined, session: Session): PendingAuthorization | { landOn: string } {
  if (!state) throw new Problem('state_missing', 'the callback has no state');
  const pending = pendingAuthorizations.get(state);
  if (!pending) throw new Problem('state_unknown', 'no authorization request has this state');
  if (pending.sessionId !== session.id) throw new Problem('state_mismatch', 'the state belongs to another browser session');
  if (pending.usedAt !== undefined) {
    const connection = connections.get(pending.userId);
    if (connection?.status === 'connected' && connection.connectedAt >= pending.createdAt) return { landOn: pending.returnTo };
    throw new Problem('state_already_used', 'this state was already used');
  }
  if (pending.expiresAt <= Date.now()) throw new Problem('state_expired', 'the authorization request has expired');
  pending.usedAt = Date.now();
  return pending;
}

/** GET a path of the vendor API as the user: refreshed first when due, and once more after a 401. */
async function vendorGet(userId: string, path: string): Promise<Record<string, unknown>> {
  const send = (token: string) => providerFetch(new URL(path, settings.apiBaseUrl).href, { headers: { authorization: `Bearer ${token}` } });
  const connection = await usableConnection(userId);
  let response = await send(connection.accessToken);
  if (response.status === 401) response = await send((await refresh(userId, connection)).accessToken);
  if (response.status === 403) throw new Problem('insufficient_scope', 'the connection may not read databases');
  if (response.status === 404) throw new Problem('not_found', 'the vendor has no such database');
  if (response.status === 429 || response.status >= 500) {
    throw new Problem('provider_unavailable', `the vendor API answered ${response.status}`, { retryAfter: response.headers.get('retry-after') ?? undefined });
  }
  const body: unknown = response.status === 200 ? await response.json().catch(() => undefined) : undefined;
  if (typeof body !== 'object' || body === null) throw new Problem('provider_error', `the vendor API answered ${response.status}`);
  return body as Record<string, unknown>;
}

export function createApp(): Koa {
  const app = new Koa();
  const router = new Router();

  router.get('/', (ctx) => {
    const session = sessions.get(ctx.cookies.get('sid') ?? '');
    ctx.type = 'html';
    ctx.body = session ? statusPage(session.userId, connections.get(session.userId)) : signInPage();
  });

  const sameSite: Koa.Middleware = async (ctx, next) => {
    requireSameSite(ctx);
    await next();
  };

  router.post('/session', sameSite, bodyParser({ enableTypes: ['form', 'json'], formLimit: '4kb', jsonLimit: '4kb' }), (ctx) => {
    const username = (ctx.request.body as { username?: unknown } | undefined)?.username;
    if (typeof username !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(username)) throw new Problem('invalid_username', 'invalid username');
    sessions.delete(ctx.cookies.get('sid') ?? '');
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, { id, userId: username });
    ctx.cookies.set('sid', id, { httpOnly: true, sameSite: 'lax', path: '/' });
    ctx.status = 303;
    ctx.redirect('/');
  });

  router.post('/session/end', sameSite, (ctx) => {
    sessions.delete(ctx.cookies.get('sid') ?? '');
    ctx.cookies.set('sid', null, { httpOnly: true, sameSite: 'lax', path: '/' });
    ctx.status = 303;
    ctx.redirect('/');
  });

  router.get('/connect', async (ctx) => {
    if (ctx.method !== 'GET') throw new Problem('method_not_allowed', 'only GET starts a connect');
    const query = queryOf(ctx);
    const session = requireSession(ctx);
    const returnTo = returnToOf(query.get('return_to'));
    const config = await configuration();
    const [state, nonce, codeVerifier, now] = [client.randomState(), client.randomNonce(), client.randomPKCECodeVerifier(), Date.now()];
    forgetOldAttempts(now, settings.pendingTtlMs);
    pendingAuthorizations.set(state, { state, nonce, codeVerifier, returnTo, sessionId: session.id, userId: session.userId, createdAt: now, expiresAt: now + settings.pendingTtlMs });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: settings.redirectUri.href,
      scope: settings.scopes,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      // OpenID Connect Core 11: a refresh token (offline_access) is granted only with explicit consent.
      ...(settings.scopes.split(' ').includes('offline_access') ? { prompt: 'consent' } : {}),
    });
    ctx.redirect(url.href);
  });

  // The callback checks, in this order: iss (RFC 9207), state, the provider's error, the code; then exchanges it.
  router.get(settings.redirectUri.pathname, async (ctx) => {
    ctx.set('referrer-policy', 'no-referrer');
    if (ctx.method !== 'GET') throw new Problem('method_not_allowed', 'only GET delivers a callback');
    const query = queryOf(ctx);
    const session = requireSession(ctx);
    const config = await configuration();
    const { issuer, authorization_response_iss_parameter_supported: issPromised } = config.serverMetadata();
    const iss = query.get('iss');
    if (iss === undefined && issPromised) throw new Problem('issuer_missing', 'the callback has no iss');
    if (iss !== undefined && iss !== issuer) throw new Problem('issuer_mismatch', 'the callback names another issuer');
    const pending = takePending(query.get('state'), session);
    ctx.status = 303;
    if ('landOn' in pending) return ctx.redirect(pending.landOn);
    const error = query.get('error');
    if (error !== undefined) throw authorizationError(error, query.get('error_description'));
    if (!query.get('code')) throw new Problem('code_missing', 'the callback has no code');

    const url = new URL(settings.redirectUri.href);
    url.search = ctx.querystring;
    const checks = { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true };
    const tokens = await client.authorizationCodeGrant(config, url, checks).catch((e: unknown) => Promise.reject(problemOf(e, 'code')));
    const claims = tokens.claims();
    if (!tokens.id_token || !claims) throw new Problem('invalid_token_response', 'the token response has no ID token');
    await verifyIdToken(config, tokens.id_token, claims);
    const replaced = connections.get(pending.userId);
    connections.set(pending.userId, connectionFrom(tokens));
    if (replaced) await revokeTokensOf(replaced); // connecting again leaves no live grant behind
    ctx.redirect(pending.returnTo);
  });

  router.get('/api/connection', (ctx) => {
    const connection = connections.get(requireSession(ctx).userId);
    ctx.body = !connection
      ? { status: 'not_connected', scopes: [], expires_at: null, account: null }
      : {
          status: connection.status,
          ...(connection.reason ? { reason: connection.reason } : {}),
          scopes: connection.scopes,
          expires_at: connection.expiresAt === undefined ? null : new Date(connection.expiresAt).toISOString(),
          account: { issuer: connection.issuer, subject: connection.subject, name: connection.name ?? null, email: connection.email ?? null },
        };
  });

  router.get('/api/databases', async (ctx) => {
    const body = await vendorGet(requireSession(ctx).userId, '/v1/databases');
    ctx.body = { databases: Array.isArray(body.databases) ? body.databases : [] };
  });

  router.get('/api/databases/:name/tables', async (ctx) => {
    const { userId } = requireSession(ctx);
    const name = ctx.params.name ?? '';
    if (!/^[A-Za-z0-9_$-]{1,64}$/.test(name)) throw new Problem('malformed_request', 'not a database name');
    const body = await vendorGet(userId, `/v1/databases/${name}/tables`);
    ctx.body = { database: name, tables: Array.isArray(body.tables) ? body.tables : [] };
  });

  router.post('/disconnect', sameSite, async (ctx) => {
    const confirmed = await disconnect(requireSession(ctx).userId);
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = { status: 'not_connected', revocation: confirmed ? 'done' : 'pending' };
    } else {
      ctx.status = 303;
      ctx.redirect('/');
    }
  });

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const discovery = new URL('.well-known/openid-configuration', settings.issuer.href.replace(/\/?$/, '/'));
    const up = await fetch(discovery, { signal: AbortSignal.timeout(settings.providerTimeoutMs) }).then((r) => r.ok, () => false);
    ctx.status = up ? 200 : 503;
    ctx.body = { status: up ? 'ready' : 'not_ready', checks: { provider: up ? 'up' : 'down', store: 'up' } };
  });

  // Every answer: no caching, no sniffing, no framing, nothing inline; every refusal as the contract's code.
  app.use(async (ctx, next) => {
    const requestId = ctx.get('x-request-id');
    ctx.set('x-request-id', /^[A-Za-z0-9._-]{8,64}$/.test(requestId) ? requestId : randomBytes(12).toString('hex'));
    ctx.set({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'content-security-policy': "default-src 'none'; form-action 'self'; frame-ancestors 'none'" });
    if (!ctx.response.get('referrer-policy')) ctx.set('referrer-policy', 'same-origin');
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new Problem('not_found', 'nothing here');
    } catch (error) {
      const status = (error as { status?: number }).status;
      const problem =
        error instanceof Problem ? error
        : status === 413 ? new Problem('payload_too_large', 'the body is too large')
        : status !== undefined && status >= 400 && status < 500 ? new Problem('malformed_request', 'the request is malformed')
        : new Problem('internal_error', 'unexpected error');
      if (problem.code === 'internal_error') process.stderr.write(`internal error on ${ctx.method} ${ctx.path}: ${(error as Error)?.name}\n`);
      ctx.status = problem.status;
      if (problem.extra.retryAfter) ctx.set('retry-after', problem.extra.retryAfter);
      const json = ctx.path.startsWith('/api/') || ctx.accepts('html', 'json') === 'json';
      ctx.type = json ? 'json' : 'html';
      ctx.body = json ? { error: problem.code, message: problem.message } : errorPage(problem);
    }
  });
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true, methodNotAllowed: () => new Problem('method_not_allowed', 'method not allowed') }));
  return app;
}
