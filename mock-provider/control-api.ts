/**
 * The mock's control surface over HTTP: every control of controls.ts, for QA
 * running the mock alone (`npm run start:mock`) and for the harness run
 * against a remote integration (its RemoteProvider driver). Enabled only in
 * that mode. It hands out live codes and tokens, so it answers only a caller
 * on loopback that also names the mock by a loopback Host with the mock's own
 * port (a DNS-rebound page, whose Host is the attacker's name, gets 403).
 * A control that changes something (any method but GET and HEAD) is refused
 * with 403 `cross_site_request` when its `Origin` is not the mock's own or
 * its `Sec-Fetch-Site` is neither `same-origin` nor `none`, and a POST whose
 * `Content-Type` is not `application/json` with 415 `unsupported_media_type`:
 * a page any browser opens can send a form or `text/plain` POST without a
 * preflight, never a JSON one (contract 10.2).
 * Bodies are JSON; bad input gets 400 `{"error": "invalid_request",
 * "error_description": ...}`, an unknown kid/token/code 404, never a 500.
 *
 *   GET    /__control                        {issuer, client, resourceBaseUrl, endpoints, modes, controls}
 *   POST   /__control/reset                  everything below back to the start -> 204
 *   GET    /__control/requests[?endpoint=token]   {requests: [...]} in arrival order
 *   DELETE /__control/requests
 *   POST   /__control/faults                 {endpoint, status?, error?, error_description?, body?, headers?, delayMs?, drop?, times?} -> 201 {endpoint, pending}
 *   GET    /__control/faults?endpoint=token  {endpoint, pending}
 *   DELETE /__control/faults
 *   POST   /__control/rate-limits            {endpoint, limit, windowSeconds} -> 201
 *   DELETE /__control/rate-limits
 *   POST   /__control/tamperings             {changes: [{kind, ...}, ...]} the next token response -> 201 {pending}
 *   GET    /__control/tamperings             {pending} token responses still to be altered
 *   DELETE /__control/tamperings
 *   GET    /__control/keys                   {keys: [{kid, alg, published, signing}]}
 *   POST   /__control/keys/rotate            a new RS256 key, published first and signing -> 201 {key}
 *   POST   /__control/keys/withdraw          {kid} no longer published -> {key}
 *   POST   /__control/keys/single-without-kid   publish only the signing key, without kid
 *   GET    /__control/lifetimes              {accessToken, refreshToken, authorizationCode} (seconds)
 *   POST   /__control/lifetimes              {accessToken?, refreshToken?, authorizationCode?} (seconds)
 *   GET    /__control/modes                  {separateGrants, revocationScope, refreshTokenRotation, resourceBasePath}
 *   POST   /__control/modes                  any of those -> the modes now
 *   POST   /__control/refresh-token-rotation {enabled}
 *   GET    /__control/clock                  {now, advancedSeconds, skewSeconds}
 *   POST   /__control/clock                  {advanceSeconds} or {skewSeconds} -> the clock now
 *   POST   /__control/grants/revoke          {username} -> {username, revoked}
 *   POST   /__control/access-tokens/revoke   {token}
 *   POST   /__control/authorization-codes/consume  {code}
 *   POST   /__control/tokens/inspect         {token} -> {active, kind?, username?, clientId?, scopes?, expiresAt?}
 *   GET    /__control/vendor-data            {store, databases: [{account, name, tables: [{name, rows}]}], refusals: [...]}
 *                                             (the modes' `apiChecks: "bypassed"` leaves the database's grants as the only lock)
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import {
  clockSchema,
  endpointName,
  faultSchema,
  kidSchema,
  lifetimesSchema,
  modesSchema,
  rateLimitSchema,
  tamperingListSchema,
  tokenSchema,
  usernameSchema,
  type MockControls,
} from './controls';
import { endpointPaths } from './endpoints';

const schemas = {
  fault: faultSchema.extend({ endpoint: endpointName }),
  rateLimit: rateLimitSchema.extend({ endpoint: endpointName }),
  tamperings: z.strictObject({ changes: tamperingListSchema }),
  kid: z.strictObject({ kid: kidSchema }),
  revoke: z.strictObject({ username: usernameSchema }),
  token: z.strictObject({ token: tokenSchema }),
  code: z.strictObject({ code: tokenSchema }),
  rotation: z.strictObject({ enabled: z.boolean() }),
  endpointQuery: z.strictObject({ endpoint: endpointName.optional() }),
};

/** An answer other than success, with its stable code. */
class ControlError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 415,
    readonly code: string,
    readonly description: string,
  ) {
    super(description);
  }
}

function parse<T>(value: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ControlError(400, 'invalid_request', z.prettifyError(parsed.error));
  return parsed.data;
}

const body = <T>(ctx: Context, schema: z.ZodType<T>): T => parse(ctx.request.body ?? {}, schema);

const loopbackAddresses = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const loopbackNames = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether the caller is on loopback and names the mock by a loopback host with its own port. */
function isLocalCaller(ctx: Context, port: number): boolean {
  if (!loopbackAddresses.has(ctx.req.socket.remoteAddress ?? '')) return false;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:]+)(?::(\d+))?$/.exec(ctx.get('host'));
  if (!match?.[1]) return false;
  const defaultPort = ctx.req.socket.constructor.name === 'TLSSocket' ? 443 : 80;
  return loopbackNames.has(match[1].toLowerCase()) && Number(match[2] ?? defaultPort) === port;
}

/** What a browser may send without a preflight: anything but a read is checked for its site and its media type. */
const readMethods = new Set(['GET', 'HEAD']);
/** `Sec-Fetch-Site` values of a request the mock's own origin, or the user by hand, made. */
const ownSites = new Set(['same-origin', 'none']);

/** Refuse a control that changes something when another site sent it, or sent it as anything but JSON. */
function checkMutatingRequest(ctx: Context): void {
  if (readMethods.has(ctx.method)) return;
  const site = ctx.get('sec-fetch-site');
  const origin = ctx.get('origin');
  const ownOrigin = `${ctx.protocol}://${ctx.get('host')}`;
  const sameOrigin = (value: string): boolean =>
    URL.canParse(value) && URL.canParse(ownOrigin) && new URL(value).origin === new URL(ownOrigin).origin;
  if ((site !== '' && !ownSites.has(site.toLowerCase())) || (origin !== '' && !sameOrigin(origin))) {
    throw new ControlError(403, 'cross_site_request', 'the control API takes no request from another site');
  }
  if (ctx.method === 'POST' && ctx.request.type !== 'application/json') {
    throw new ControlError(415, 'unsupported_media_type', 'a control is sent as JSON (Content-Type: application/json)');
  }
}

function controlRouter(controls: MockControls): Router {
  const router = new Router({ prefix: '/__control' });

  router.get('/', (ctx) => {
    ctx.body = {
      issuer: controls.issuer,
      client: controls.client,
      resourceBaseUrl: controls.resourceBaseUrl(),
      endpoints: { ...endpointPaths, resource: controls.modes().resourceBasePath },
      modes: controls.modes(),
      controls: [
        'reset',
        'requests',
        'faults',
        'rate-limits',
        'tamperings',
        'keys',
        'lifetimes',
        'modes',
        'refresh-token-rotation',
        'clock',
        'grants/revoke',
        'access-tokens/revoke',
        'authorization-codes/consume',
        'tokens/inspect',
        'vendor-data',
      ],
    };
  });
  router.post('/reset', (ctx) => {
    controls.reset();
    ctx.status = 204;
  });

  router.get('/requests', (ctx) => {
    const { endpoint } = parse({ ...ctx.query }, schemas.endpointQuery);
    ctx.body = { requests: controls.requests(endpoint) };
  });
  router.delete('/requests', (ctx) => {
    controls.clearRequests();
    ctx.status = 204;
  });

  router.post('/faults', (ctx) => {
    const { endpoint, ...fault } = body(ctx, schemas.fault);
    controls.failNext(endpoint, fault);
    ctx.status = 201;
    ctx.body = { endpoint, pending: controls.pendingFaults(endpoint) };
  });
  router.get('/faults', (ctx) => {
    const { endpoint } = parse({ ...ctx.query }, z.strictObject({ endpoint: endpointName }));
    ctx.body = { endpoint, pending: controls.pendingFaults(endpoint) };
  });
  router.delete('/faults', (ctx) => {
    controls.clearFaults();
    ctx.status = 204;
  });

  router.post('/rate-limits', (ctx) => {
    const { endpoint, ...limit } = body(ctx, schemas.rateLimit);
    controls.setRateLimit(endpoint, limit);
    ctx.status = 201;
    ctx.body = { endpoint, ...limit };
  });
  router.delete('/rate-limits', (ctx) => {
    controls.clearRateLimits();
    ctx.status = 204;
  });

  router.post('/tamperings', (ctx) => {
    controls.tamperNextTokenResponse(body(ctx, schemas.tamperings).changes);
    ctx.status = 201;
    ctx.body = { pending: controls.pendingTamperings() };
  });
  router.get('/tamperings', (ctx) => {
    ctx.body = { pending: controls.pendingTamperings() };
  });
  router.delete('/tamperings', (ctx) => {
    controls.clearTamperings();
    ctx.status = 204;
  });

  router.get('/keys', (ctx) => {
    ctx.body = { keys: controls.keys() };
  });
  router.post('/keys/rotate', async (ctx) => {
    ctx.status = 201;
    ctx.body = { key: await controls.rotateSigningKey() };
  });
  router.post('/keys/withdraw', (ctx) => {
    const key = controls.withdrawKey(body(ctx, schemas.kid).kid);
    if (!key) throw new ControlError(404, 'unknown_key', 'the provider has no key with that kid');
    ctx.body = { key };
  });
  router.post('/keys/single-without-kid', (ctx) => {
    controls.serveSingleKeyWithoutKid();
    ctx.status = 204;
  });

  router.get('/lifetimes', (ctx) => {
    ctx.body = controls.lifetimes();
  });
  router.post('/lifetimes', (ctx) => {
    controls.setLifetimes(body(ctx, lifetimesSchema));
    ctx.status = 204;
  });
  router.get('/modes', (ctx) => {
    ctx.body = controls.modes();
  });
  router.post('/modes', (ctx) => {
    ctx.body = controls.setModes(body(ctx, modesSchema));
  });
  router.post('/refresh-token-rotation', (ctx) => {
    controls.setModes({ refreshTokenRotation: body(ctx, schemas.rotation).enabled });
    ctx.status = 204;
  });

  router.get('/clock', (ctx) => {
    ctx.body = controls.clock();
  });
  router.post('/clock', (ctx) => {
    ctx.body = controls.changeClock(body(ctx, clockSchema));
  });

  router.post('/grants/revoke', async (ctx) => {
    const { username } = body(ctx, schemas.revoke);
    ctx.body = { username, revoked: await controls.revokeGrants(username) };
  });
  router.post('/access-tokens/revoke', async (ctx) => {
    if (!(await controls.revokeAccessToken(body(ctx, schemas.token).token))) {
      throw new ControlError(404, 'unknown_token', 'the provider knows no such access token');
    }
    ctx.status = 204;
  });
  router.post('/authorization-codes/consume', async (ctx) => {
    if (!(await controls.consumeAuthorizationCode(body(ctx, schemas.code).code))) {
      throw new ControlError(404, 'unknown_code', 'the provider knows no such authorization code');
    }
    ctx.status = 204;
  });
  router.post('/tokens/inspect', async (ctx) => {
    ctx.body = await controls.tokenState(body(ctx, schemas.token).token);
  });
  router.get('/vendor-data', async (ctx) => {
    try {
      ctx.body = await controls.vendorData();
    } catch {
      // The vendor's MySQL is down: said as the resource API says it, never as a 500.
      ctx.status = 503;
      ctx.body = { error: 'temporarily_unavailable', error_description: "the vendor's database is unavailable" };
    }
  });
  return router;
}

/** What a failure of the body parser means, by status. */
const parserErrors: Record<number, string> = {
  400: 'the body is not valid JSON',
  413: 'the body is larger than 128 kB',
  415: 'the body must be JSON',
};

/** The control API as one middleware: everything under `/__control`, and nothing else. */
export function controlApi(controls: MockControls, port: number): Middleware {
  const router = controlRouter(controls);
  const routes = router.routes() as unknown as Middleware;
  const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: '128kb' }) as unknown as Middleware;

  return async (ctx, next) => {
    if (ctx.path !== '/__control' && !ctx.path.startsWith('/__control/')) {
      await next();
      return;
    }
    ctx.set('cache-control', 'no-store');
    try {
      if (!isLocalCaller(ctx, port)) {
        throw new ControlError(
          403,
          'forbidden',
          'the control API answers only on loopback, at a loopback host name with its own port',
        );
      }
      checkMutatingRequest(ctx);
      await parseJson(ctx, async () => {
        await routes(ctx, async () => {
          const matched = (ctx as { matched?: Array<{ methods: string[] }> }).matched ?? [];
          if (matched.some((layer) => layer.methods.length > 0))
            throw new ControlError(405, 'method_not_allowed', `${ctx.method} is not a control here`);
          throw new ControlError(404, 'not_found', 'no such control');
        });
      });
    } catch (error) {
      if (error instanceof ControlError) {
        ctx.status = error.status;
        ctx.body = { error: error.code, error_description: error.description };
        return;
      }
      const status = (error as { status?: number }).status;
      if (status !== undefined && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = { error: 'invalid_request', error_description: parserErrors[status] ?? 'the request was refused' };
        return;
      }
      throw error;
    }
  };
}
