/**
 * The vendor's resource API, under its base path (`/v1` unless a test moved
 * it, say to `/vendor/v1`: then nothing answers at `/v1`, and a client that
 * drops its API base URL's path is caught). JSON, RFC 6750 errors:
 *
 *   GET  <base>/me
 *   GET  <base>/databases                                  {"databases": [{name, engine, region}]}
 *   GET  <base>/databases/:db/tables                       {"database", "tables": [{name, columns: [{name, type}]}]}
 *   GET  <base>/databases/:db/tables/:table/rows?limit=&after=   {"rows": [...], "next": cursor | null}
 *   POST <base>/databases/:db/tables/:table/rows {"values": {column: value}}  201 {"row": {...}}
 *
 * It accepts only the provider's own live access tokens, looked up through
 * oidc-provider (so an expired token, or one whose grant was revoked, is dead
 * here too), issued to the registered client for this API as their audience
 * (RFC 8707: the provider's default resource) or for no audience at all (a
 * request for OpenID scopes only, contract 10.1). Reading needs
 * `databases:read`, inserting `databases:write` (403 `insufficient_scope`
 * naming the scope in `WWW-Authenticate`, RFC 6750 3.1). Another account's
 * database, or an unknown one, is 404 `not_found` (never "it exists"); a bad
 * name, limit, cursor (or one given out for another table) or value 400
 * `invalid_request`; the vendor's database down 503
 * `temporarily_unavailable`; never a database's own error text.
 *
 * Every statement then runs as the token's account's own database user,
 * read-only unless the token holds `databases:write` (vendor-data/): the
 * database refuses on its own what the API's checks should have refused.
 * The `apiChecks` mode `bypassed` skips the API's scope and ownership checks
 * (not the token's validity), so that a scenario can show that second lock.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Provider } from 'oidc-provider';

import { demoAccounts, subjectOf } from './accounts';
import type { DpopProofs } from './dpop-proofs';
import { databasesByAccount, findDatabase } from './fixtures';
import { type Session, VendorDataError, type VendorDataPlane } from './vendor-data';
import { checkCursor, checkIdentifier, checkLimit, cursorAfter } from './vendor-data/identifiers';
import { checkRow } from './vendor-data/values';

export const requiredScope = 'databases:read';
export const writeScope = 'databases:write';

/** The resource API's identifier (RFC 8707), the audience of its access tokens: fixed, wherever the API is served. */
export function resourceIndicatorOf(issuer: string): string {
  return `${issuer}/v1`;
}

type Refusal = 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof' | 'use_dpop_nonce';

function refuse(
  ctx: Context,
  status: 401 | 403,
  error?: Refusal,
  description?: string,
  scheme: 'Bearer' | 'DPoP' = 'Bearer',
  scope = requiredScope,
): void {
  const parts = [`${scheme} realm="mock-mysql-cloud"`];
  if (error) parts.push(`error="${error}"`);
  // RFC 6750 3: error_description is quoted text without `"` or `\`.
  if (description) parts.push(`error_description="${description.replace(/["\\]/g, "'")}"`);
  if (error === 'insufficient_scope') parts.push(`scope="${scope}"`);
  ctx.set('www-authenticate', parts.join(', '));
  ctx.status = status;
  ctx.body = error ? { error, ...(description ? { error_description: description } : {}) } : { error: 'unauthorized' };
}

interface ResourceApiOptions {
  /** Where the API is served now. */
  basePath: () => string;
  /** The registered client: the only one whose tokens the API takes. */
  clientId: string;
  /** The audience its tokens must carry. */
  audience: string;
  /** The mock's issuer: the origin of the URLs a DPoP proof's `htu` must name. */
  issuer: string;
  /** The check of DPoP proofs, for DPoP-bound tokens (RFC 9449 7). */
  proofs: DpopProofs;
  /** Whether a DPoP nonce is demanded (RFC 9449 9). */
  dpopNonces: () => boolean;
  /** The vendor's data. */
  data: VendorDataPlane;
  /** `bypassed`: the API's scope and ownership checks are skipped (the database's grants still hold). */
  apiChecks: () => 'enforced' | 'bypassed';
}

/** Who called: the token's account, and the database user its scopes map to. */
interface Caller {
  readonly username: string;
  readonly session: Session;
  readonly scheme: 'Bearer' | 'DPoP';
}

/** The resource API, served under whatever base path is current. */
export function resourceApi(provider: Provider, options: ResourceApiOptions): Middleware {
  const routers = new Map<string, Middleware>();
  return async (ctx, next) => {
    const basePath = options.basePath();
    let routes = routers.get(basePath);
    if (!routes) {
      routes = resourceApiRoutes(provider, basePath, options).routes() as Middleware;
      routers.set(basePath, routes);
    }
    await routes(ctx, next);
  };
}

function resourceApiRoutes(provider: Provider, basePath: string, options: ResourceApiOptions): Router {
  const router = new Router({ prefix: basePath });

  /** The account behind the bearer token, or undefined after answering 401/403. */
  async function authenticate(ctx: Context, scope?: string): Promise<Caller | undefined> {
    const match = /^(Bearer|DPoP) ([A-Za-z0-9._~+/-]+=*)$/.exec(ctx.get('authorization'));
    if (!match?.[2]) {
      refuse(ctx, 401);
      return undefined;
    }
    const token = await provider.AccessToken.find(match[2]);
    if (!token || token.isExpired) {
      refuse(
        ctx,
        401,
        'invalid_token',
        'the access token is invalid, expired or revoked',
        match[1] === 'DPoP' ? 'DPoP' : 'Bearer',
      );
      return undefined;
    }
    // A DPoP-bound token is taken only as DPoP, with a valid proof of its
    // key (RFC 9449 7.1); a bearer token never as DPoP.
    const jkt = (token as { jkt?: string }).jkt;
    if (jkt !== undefined || match[1] === 'DPoP') {
      if (jkt === undefined || match[1] !== 'DPoP') {
        refuse(
          ctx,
          401,
          'invalid_token',
          jkt ? 'the access token is DPoP-bound: present it as DPoP' : 'the access token is not DPoP-bound',
          'DPoP',
        );
        return undefined;
      }
      const checked = await options.proofs.check({
        proof: ctx.get('dpop') || undefined,
        method: ctx.method,
        url: `${options.issuer}${ctx.path}`,
        accessToken: match[2],
        jkt,
        nonceRequired: options.dpopNonces(),
      });
      if (!checked.ok) {
        if (options.dpopNonces()) ctx.set('dpop-nonce', options.proofs.nonce);
        refuse(ctx, 401, checked.error, checked.description, 'DPoP');
        return undefined;
      }
    }
    // A token with no audience is one the provider issues for OpenID scopes only, for userinfo
    // (contract 10.1): it is judged by its scopes below, so it gets 403 insufficient_scope. One that
    // names no audience yet carries a scope of this API is no token the provider issues: refused.
    const audiences = (Array.isArray(token.aud) ? token.aud : [token.aud]).filter(Boolean);
    const forThisApi =
      audiences.length > 0
        ? audiences.includes(options.audience)
        : !['databases:read', 'databases:write'].some((name) => token.scopes.has(name));
    if (token.clientId !== options.clientId || !forThisApi) {
      refuse(ctx, 401, 'invalid_token', 'the access token was not issued for this API');
      return undefined;
    }
    const scheme = match[1] === 'DPoP' ? 'DPoP' : 'Bearer';
    if (scope && !token.scopes.has(scope) && options.apiChecks() === 'enforced') {
      refuse(ctx, 403, 'insufficient_scope', `the "${scope}" scope is required`, scheme, scope);
      return undefined;
    }
    const account = demoAccounts.find((candidate) => subjectOf(candidate.username) === token.accountId);
    if (!account) {
      refuse(ctx, 401, 'invalid_token', 'the account no longer exists');
      return undefined;
    }
    return {
      username: account.username,
      scheme,
      session: { account: account.username, role: token.scopes.has(writeScope) ? 'write' : 'read' },
    };
  }

  /** A database the caller may name: its own, or (checks bypassed) anyone's; 400 for a bad name, 404 otherwise. */
  function databaseOf(caller: Caller, name: unknown): string {
    const checked = checkIdentifier(name, 'database');
    const found =
      options.apiChecks() === 'bypassed'
        ? findDatabase(checked)?.database
        : databasesByAccount[caller.username]?.find((candidate) => candidate.name === checked);
    if (!found) throw new VendorDataError('not_found', 'no such database');
    return found.name;
  }

  /**
   * Answer the data plane's refusals as RFC 6750 errors with their stable
   * codes; anything else as 503, never a 500 nor its text.
   */
  async function answering(ctx: Context, caller: Caller, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const refusal =
        error instanceof VendorDataError
          ? error
          : new VendorDataError('temporarily_unavailable', "the vendor's database is unavailable; try again shortly");
      if (refusal.code === 'insufficient_scope') {
        refuse(ctx, 403, 'insufficient_scope', refusal.description, caller.scheme, writeScope);
        return;
      }
      ctx.status = refusal.status;
      ctx.body = { error: refusal.code, error_description: refusal.description };
    }
  }

  router.get('/me', async (ctx) => {
    const caller = await authenticate(ctx);
    if (!caller) return;
    const account = demoAccounts.find((candidate) => candidate.username === caller.username);
    ctx.body = { sub: subjectOf(caller.username), username: caller.username, name: account?.claims.name };
  });

  router.get('/databases', async (ctx) => {
    const caller = await authenticate(ctx, requiredScope);
    if (!caller) return;
    await answering(ctx, caller, async () => {
      const visible = new Set(await options.data.databases(caller.session));
      ctx.body = {
        databases: (databasesByAccount[caller.username] ?? [])
          .filter(({ name }) => visible.has(name))
          .map(({ name, engine, region }) => ({ name, engine, region })),
      };
    });
  });

  router.get('/databases/:name/tables', async (ctx) => {
    const caller = await authenticate(ctx, requiredScope);
    if (!caller) return;
    await answering(ctx, caller, async () => {
      const database = databaseOf(caller, ctx.params.name);
      ctx.body = { database, tables: await options.data.tables(caller.session, database) };
    });
  });

  router.get('/databases/:name/tables/:table/rows', async (ctx) => {
    const caller = await authenticate(ctx, requiredScope);
    if (!caller) return;
    await answering(ctx, caller, async () => {
      const database = databaseOf(caller, ctx.params.name);
      const table = checkIdentifier(ctx.params.table, 'table');
      const unknown = Object.keys(ctx.query).find((name) => name !== 'limit' && name !== 'after');
      if (unknown !== undefined || Object.values(ctx.query).some(Array.isArray)) {
        throw new VendorDataError('invalid_request', 'only "limit" and "after", each once, may be given');
      }
      const limit = checkLimit(ctx.query.limit);
      const afterId = checkCursor(ctx.query.after, { database, table });
      const page = await options.data.rows(caller.session, database, table, { limit, afterId });
      const last = page.rows.at(-1);
      ctx.body = { rows: page.rows, next: page.more && last ? cursorAfter(last.id, { database, table }) : null };
    });
  });

  router.post('/databases/:name/tables/:table/rows', async (ctx) => {
    const caller = await authenticate(ctx, writeScope);
    if (!caller) return;
    await answering(ctx, caller, async () => {
      const database = databaseOf(caller, ctx.params.name);
      const table = checkIdentifier(ctx.params.table, 'table');
      const body = await jsonBody(ctx);
      if (
        typeof body !== 'object' ||
        body === null ||
        Array.isArray(body) ||
        Object.keys(body).some((key) => key !== 'values')
      ) {
        throw new VendorDataError('invalid_request', 'the body must be {"values": {column: value}}');
      }
      const columns = await options.data.columns(caller.session, database, table);
      const values = checkRow(columns, (body as { values?: unknown }).values);
      const row = await options.data.insert(caller.session, database, table, values);
      ctx.status = 201;
      ctx.body = { row };
    });
  });

  return router;
}

const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: '16kb' }) as unknown as Middleware;

/** The request's JSON body; a body that is not JSON, or too large, is invalid_request. */
async function jsonBody(ctx: Context): Promise<unknown> {
  if (!ctx.is('application/json'))
    throw new VendorDataError('invalid_request', 'the body must be JSON (application/json)');
  try {
    await parseJson(ctx, async () => undefined);
  } catch (error) {
    const status = (error as { status?: number }).status;
    throw new VendorDataError(
      'invalid_request',
      status === 413 ? 'the body is larger than 16 kB' : 'the body is not valid JSON',
    );
  }
  return ctx.request.body;
}
