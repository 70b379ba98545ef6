/**
 * The vendor's resource API: `GET <base>/me`, `GET <base>/databases` and
 * `GET <base>/databases/:name/tables`, its base path `/v1` unless a test
 * moved it (say to `/vendor/v1`: then nothing answers at `/v1`, and a client
 * that drops its API base URL's path is caught). It accepts only the
 * provider's own live access tokens, looked up through oidc-provider (so an
 * expired token, or one whose grant was revoked, is dead here too), issued
 * to the registered client for this API as their audience (RFC 8707: the
 * provider's default resource), and requires `databases:read` for the
 * databases (RFC 6750 3.1 for the errors).
 */
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Provider } from 'oidc-provider';
import { demoAccounts, subjectOf } from './accounts';
import type { DpopProofs } from './dpop-proofs';
import { databasesByAccount } from './fixtures';

export const requiredScope = 'databases:read';

/** The resource API's identifier (RFC 8707), the audience of its access tokens: fixed, wherever the API is served. */
export function resourceIndicatorOf(issuer: string): string {
  return `${issuer}/v1`;
}

type Refusal = 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof' | 'use_dpop_nonce';

function refuse(ctx: Context, status: 401 | 403, error?: Refusal, description?: string, scheme: 'Bearer' | 'DPoP' = 'Bearer'): void {
  const parts = [`${scheme} realm="mock-mysql-cloud"`];
  if (error) parts.push(`error="${error}"`);
  if (description) parts.push(`error_description="${description}"`);
  if (error === 'insufficient_scope') parts.push(`scope="${requiredScope}"`);
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
  async function authenticate(ctx: Context, scope?: string): Promise<string | undefined> {
    const match = /^(Bearer|DPoP) ([A-Za-z0-9._~+/-]+=*)$/.exec(ctx.get('authorization'));
    if (!match?.[2]) {
      refuse(ctx, 401);
      return undefined;
    }
    const token = await provider.AccessToken.find(match[2]);
    if (!token || token.isExpired) {
      refuse(ctx, 401, 'invalid_token', 'the access token is invalid, expired or revoked', match[1] === 'DPoP' ? 'DPoP' : 'Bearer');
      return undefined;
    }
    // A DPoP-bound token is taken only as DPoP, with a valid proof of its key (RFC 9449 7.1); a bearer token never as DPoP.
    const jkt = (token as { jkt?: string }).jkt;
    if (jkt !== undefined || match[1] === 'DPoP') {
      if (jkt === undefined || match[1] !== 'DPoP') {
        refuse(ctx, 401, 'invalid_token', jkt ? 'the access token is DPoP-bound: present it as DPoP' : 'the access token is not DPoP-bound', 'DPoP');
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
    const audiences = Array.isArray(token.aud) ? token.aud : [token.aud];
    if (token.clientId !== options.clientId || !audiences.includes(options.audience)) {
      refuse(ctx, 401, 'invalid_token', 'the access token was not issued for this API');
      return undefined;
    }
    if (scope && !token.scopes.has(scope)) {
      refuse(ctx, 403, 'insufficient_scope', `the "${scope}" scope is required`);
      return undefined;
    }
    const account = demoAccounts.find((candidate) => subjectOf(candidate.username) === token.accountId);
    if (!account) {
      refuse(ctx, 401, 'invalid_token', 'the account no longer exists');
      return undefined;
    }
    return account.username;
  }

  router.get('/me', async (ctx) => {
    const username = await authenticate(ctx);
    if (!username) return;
    const account = demoAccounts.find((candidate) => candidate.username === username);
    ctx.body = { sub: subjectOf(username), username, name: account?.claims.name };
  });

  router.get('/databases', async (ctx) => {
    const username = await authenticate(ctx, requiredScope);
    if (!username) return;
    ctx.body = {
      databases: (databasesByAccount[username] ?? []).map(({ name, engine, region }) => ({ name, engine, region })),
    };
  });

  router.get('/databases/:name/tables', async (ctx) => {
    const username = await authenticate(ctx, requiredScope);
    if (!username) return;
    const database = (databasesByAccount[username] ?? []).find((candidate) => candidate.name === ctx.params.name);
    if (!database) {
      ctx.status = 404;
      ctx.body = { error: 'not_found', error_description: 'no such database' };
      return;
    }
    ctx.body = { database: database.name, tables: database.tables.map((name) => ({ name })) };
  });

  return router;
}
