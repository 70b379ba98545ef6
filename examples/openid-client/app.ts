/**
 * The routes of the HTTP contract (docs/contract.md section 3), as a Koa
 * app, and the one place where a refusal becomes an answer.
 */
import { randomBytes } from 'node:crypto';

import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';

import { finishConnecting, startConnecting } from './connect';
import { fapi2, publishedKeys } from './fapi2';
import { errorPage, signInPage, statusPage } from './pages';
import { Problem } from './problems';
import { configuration } from './provider';
import { queryOf, requireSession, sameSite, sessionOf } from './requests';
import { settings } from './settings';
import { connections, sessions } from './store';
import { disconnect } from './tokens';
import { vendorRequest } from './vendor-api';

const router = new Router();

router.get('/', (ctx) => {
  const session = sessionOf(ctx);
  ctx.type = 'html';
  ctx.body = session ? statusPage(session.userId, connections.get(session.userId)) : signInPage();
});

// The contract's test sign-in: any well-formed username. Put your product's own login here.
router.post(
  '/session',
  sameSite,
  bodyParser({ enableTypes: ['form', 'json'], formLimit: '4kb', jsonLimit: '4kb' }),
  (ctx) => {
    const username = (ctx.request.body as { username?: unknown } | undefined)?.username;
    if (typeof username !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(username))
      throw new Problem('invalid_username', 'invalid username');
    sessions.delete(ctx.cookies.get('sid') ?? '');
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, { id, userId: username });
    ctx.cookies.set('sid', id, { httpOnly: true, sameSite: 'lax', path: '/' });
    ctx.status = 303;
    ctx.redirect('/');
  },
);

router.post('/session/end', sameSite, (ctx) => {
  sessions.delete(ctx.cookies.get('sid') ?? '');
  ctx.cookies.set('sid', null, { httpOnly: true, sameSite: 'lax', path: '/' });
  ctx.status = 303;
  ctx.redirect('/');
});

router.get('/connect', startConnecting);
router.get(settings.redirectUri.pathname, finishConnecting);

router.get('/api/connection', (ctx) => {
  const connection = connections.get(requireSession(ctx).userId);
  ctx.body = !connection
    ? { status: 'not_connected', scopes: [], expires_at: null, account: null }
    : {
        status: connection.status,
        ...(connection.reason ? { reason: connection.reason } : {}),
        scopes: connection.scopes,
        expires_at: connection.expiresAt === undefined ? null : new Date(connection.expiresAt).toISOString(),
        account: {
          issuer: connection.issuer,
          subject: connection.subject,
          name: connection.name ?? null,
          email: connection.email ?? null,
        },
      };
});

// The user's data at the vendor. Names are checked before any call:
// they go into the vendor's URL, and a name is never SQL.
const databaseName = /^[A-Za-z0-9_$-]{1,64}$/;
const identifier = /^[A-Za-z0-9_$]{1,64}$/;
function nameOf(value: string | undefined, pattern: RegExp, what: string): string {
  if (value === undefined || !pattern.test(value)) throw new Problem('malformed_request', `not a ${what} name`);
  return value;
}
const tablePath = (params: { name?: string; table?: string }) => {
  const database = nameOf(params.name, databaseName, 'database');
  const table = nameOf(params.table, identifier, 'table');
  return { database, table, path: `/databases/${database}/tables/${table}/rows` };
};

router.get('/api/databases', async (ctx) => {
  const body = await vendorRequest(requireSession(ctx).userId, '/databases');
  ctx.body = { databases: Array.isArray(body.databases) ? body.databases : [] };
});

router.get('/api/databases/:name/tables', async (ctx) => {
  const { userId } = requireSession(ctx);
  const name = nameOf(ctx.params.name, databaseName, 'database');
  const body = await vendorRequest(userId, `/databases/${name}/tables`);
  ctx.body = { database: name, tables: Array.isArray(body.tables) ? body.tables : [] };
});

// One page of rows: `limit` 1 to 100 (20 when absent), `after` the cursor of the page before, as the vendor made it.
router.get('/api/databases/:name/tables/:table/rows', async (ctx) => {
  const { userId } = requireSession(ctx);
  const { database, table, path } = tablePath(ctx.params);
  const query = queryOf(ctx);
  const limit = query.get('limit') ?? '20';
  if (!/^[0-9]{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 100)
    throw new Problem('malformed_request', 'limit must be 1 to 100');
  const after = query.get('after');
  if (after !== undefined && !/^[A-Za-z0-9._~-]{1,512}$/.test(after))
    throw new Problem('malformed_request', 'after must be a cursor of the vendor');
  const page = new URLSearchParams({ limit, ...(after === undefined ? {} : { after }) });
  const body = await vendorRequest(userId, path, { query: page });
  const rows = Array.isArray(body.rows) ? body.rows : [];
  // More than asked for is refused, not cut: rows cut off would be skipped by the next cursor.
  if (rows.length > Number(limit)) throw new Problem('provider_error', 'the vendor sent more rows than were asked for');
  ctx.body = { database, table, rows, next: typeof body.next === 'string' ? body.next : null };
});

// Insert one row: from this site only, and only with databases:write (else
// the refusal names the scope and the link that asks for it).
router.post(
  '/api/databases/:name/tables/:table/rows',
  sameSite,
  bodyParser({ enableTypes: ['json'], jsonLimit: '16kb' }),
  async (ctx) => {
    const { userId } = requireSession(ctx);
    const { database, table, path } = tablePath(ctx.params);
    const values = (ctx.request.body as { values?: unknown } | undefined)?.values;
    if (typeof values !== 'object' || values === null || Array.isArray(values) || Object.keys(values).length === 0) {
      throw new Problem('invalid_row', 'the row must be {"values": {column: value}}');
    }
    for (const [column, value] of Object.entries(values)) {
      if (!identifier.test(column)) throw new Problem('malformed_request', 'not a column name');
      if (value !== null && !['string', 'number', 'boolean'].includes(typeof value))
        throw new Problem('invalid_row', 'a value must be a string, number, boolean or null');
    }
    const connection = connections.get(userId);
    if (connection?.status === 'connected' && !connection.scopes.includes('databases:write')) {
      throw new Problem('insufficient_scope', 'writing needs databases:write', { scope: 'databases:write' });
    }
    const body = await vendorRequest(userId, path, { write: { body: { values } } });
    ctx.status = 201;
    ctx.body = { database, table, row: body.row };
  },
);

router.post('/disconnect', sameSite, async (ctx) => {
  const revocation = await disconnect(requireSession(ctx).userId);
  if (ctx.accepts('html', 'json') === 'json') {
    ctx.body = { status: 'not_connected', revocation };
  } else {
    ctx.status = 303;
    ctx.redirect('/');
  }
});

// Under FAPI 2.0: the client's public keys, for the provider to check its client assertions (its jwks_uri).
if (fapi2.enabled)
  router.get('/jwks.json', (ctx) => {
    ctx.body = publishedKeys();
    ctx.set('cache-control', 'max-age=60');
  });

router.get('/healthz', (ctx) => {
  ctx.body = { status: 'ok' };
});

// Ready when the provider's metadata is at hand: from the discovery cache,
// so anonymous callers cannot spend the provider's limits.
router.get('/readyz', async (ctx) => {
  const up = await configuration().then(
    () => true,
    () => false,
  );
  ctx.status = up ? 200 : 503;
  ctx.body = { status: up ? 'ready' : 'not_ready', checks: { provider: up ? 'up' : 'down', store: 'up' } };
});

/**
 * Any error as a refusal of the contract: a Problem as it is; a body too large or unreadable; anything else internal.
 */
function problemOf(error: unknown): Problem {
  if (error instanceof Problem) return error;
  const status = (error as { status?: number }).status;
  if (status === 413) return new Problem('payload_too_large', 'the body is too large');
  if (status !== undefined && status >= 400 && status < 500)
    return new Problem('malformed_request', 'the request is malformed');
  process.stderr.write(`internal error: ${(error as Error)?.name}\n`); // never the message: it might quote a token
  return new Problem('internal_error', 'unexpected error');
}

export function createApp(): Koa {
  const app = new Koa();
  // Every answer: a request id, no caching, no sniffing, no framing, nothing inline; every refusal with its code.
  app.use(async (ctx, next) => {
    const requestId = ctx.get('x-request-id');
    ctx.set({
      'x-request-id': /^[A-Za-z0-9._-]{8,64}$/.test(requestId) ? requestId : randomBytes(12).toString('hex'),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
      'referrer-policy': 'same-origin',
    });
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new Problem('not_found', 'nothing here');
    } catch (error) {
      const problem = problemOf(error);
      ctx.status = problem.status;
      if (problem.extra.retryAfter) ctx.set('retry-after', problem.extra.retryAfter);
      const json = ctx.path.startsWith('/api/') || ctx.accepts('html', 'json') === 'json';
      ctx.type = json ? 'json' : 'html';
      // insufficient_scope: the scope missing, and the link that asks for it in addition to those granted.
      const scope = problem.extra.scope
        ? { scope: problem.extra.scope, connect_url: `/connect?scope=${encodeURIComponent(problem.extra.scope)}` }
        : {};
      ctx.body = json ? { error: problem.code, message: problem.message, ...scope } : errorPage(problem);
    }
  });
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () => new Problem('method_not_allowed', 'method not allowed'),
    }),
  );
  return app;
}
