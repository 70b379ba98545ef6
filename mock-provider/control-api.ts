/**
 * The mock's control surface over HTTP, for QA running the mock alone
 * (`npm run start:mock`): the same controls the harness calls as functions.
 * Enabled only in that mode, and answering only callers on loopback.
 *
 *   GET    /__control                      what can be controlled
 *   POST   /__control/faults               {endpoint, status, error, error_description, body, headers, delayMs, drop, times}
 *   DELETE /__control/faults
 *   POST   /__control/rate-limits          {endpoint, limit, windowSeconds}
 *   DELETE /__control/rate-limits
 *   POST   /__control/grants/revoke        {username}
 *   POST   /__control/lifetimes            {accessToken, refreshToken, authorizationCode} (seconds)
 *   POST   /__control/refresh-token-rotation {enabled}
 *   POST   /__control/clock                {advanceSeconds}
 *   GET    /__control/requests[?endpoint=token]
 *   DELETE /__control/requests
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Clock } from './clock';
import { endpointPaths, type Endpoint } from './endpoints';
import type { MockProvider } from './index';

const endpoint = z.enum(Object.keys(endpointPaths) as [Endpoint, ...Endpoint[]]);

const schemas = {
  fault: z.strictObject({
    endpoint,
    status: z.number().int().min(100).max(599).optional(),
    error: z.string().max(128).optional(),
    error_description: z.string().max(1024).optional(),
    body: z.string().max(65_536).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    delayMs: z.number().int().min(0).max(120_000).optional(),
    drop: z.boolean().optional(),
    times: z.number().int().min(1).max(10_000).optional(),
  }),
  rateLimit: z.strictObject({ endpoint, limit: z.number().int().min(0), windowSeconds: z.number().int().min(1).max(86_400) }),
  revoke: z.strictObject({ username: z.string().min(1).max(64) }),
  lifetimes: z.strictObject({
    accessToken: z.number().int().min(1).optional(),
    refreshToken: z.number().int().min(1).optional(),
    authorizationCode: z.number().int().min(1).optional(),
  }),
  rotation: z.strictObject({ enabled: z.boolean() }),
  clock: z.strictObject({ advanceSeconds: z.number().int().min(0).max(10 * 365 * 86_400) }),
};

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function parse<T>(ctx: Context, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(ctx.request.body);
  if (!parsed.success) {
    ctx.throw(400, JSON.stringify({ error: 'invalid_request', error_description: z.prettifyError(parsed.error) }));
  }
  return parsed.data;
}

export function controlApiRoutes(mock: MockProvider, clock: Clock): Router {
  const router = new Router({ prefix: '/__control' });

  router.use(async (ctx, next) => {
    if (!loopback.has(ctx.req.socket.remoteAddress ?? '')) {
      ctx.status = 403;
      ctx.body = { error: 'forbidden', error_description: 'the control API answers only on loopback' };
      return;
    }
    try {
      await next();
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      ctx.status = status;
      ctx.body = status === 400 ? (JSON.parse((error as Error).message) as object) : { error: 'server_error' };
    }
  });
  router.use(bodyParser({ enableTypes: ['json'], jsonLimit: '128kb' }));

  router.get('/', (ctx) => {
    ctx.body = { endpoints: endpointPaths, controls: ['faults', 'rate-limits', 'grants/revoke', 'lifetimes', 'refresh-token-rotation', 'clock', 'requests'] };
  });
  router.post('/faults', (ctx) => {
    const { endpoint: name, ...fault } = parse(ctx, schemas.fault);
    mock.faults.failNext(name, fault);
    ctx.status = 201;
    ctx.body = { endpoint: name, pending: mock.faults.pending(name) };
  });
  router.delete('/faults', (ctx) => {
    mock.faults.clear();
    ctx.status = 204;
  });
  router.post('/rate-limits', (ctx) => {
    const { endpoint: name, ...limit } = parse(ctx, schemas.rateLimit);
    mock.rateLimits.set(name, limit);
    ctx.status = 201;
    ctx.body = { endpoint: name, ...limit };
  });
  router.delete('/rate-limits', (ctx) => {
    mock.rateLimits.clear();
    ctx.status = 204;
  });
  router.post('/grants/revoke', async (ctx) => {
    const { username } = parse(ctx, schemas.revoke);
    ctx.body = { username, revoked: await mock.revokeGrants(username) };
  });
  router.post('/lifetimes', (ctx) => {
    mock.setLifetimes(parse(ctx, schemas.lifetimes));
    ctx.status = 204;
  });
  router.post('/refresh-token-rotation', (ctx) => {
    mock.setRefreshTokenRotation(parse(ctx, schemas.rotation).enabled);
    ctx.status = 204;
  });
  router.post('/clock', (ctx) => {
    clock.advance(parse(ctx, schemas.clock).advanceSeconds * 1000);
    ctx.body = { now: new Date().toISOString() };
  });
  router.get('/requests', (ctx) => {
    const name = endpoint.safeParse(ctx.query.endpoint);
    ctx.body = { requests: name.success ? mock.requests.to(name.data) : mock.requests.requests };
  });
  router.delete('/requests', (ctx) => {
    mock.requests.clear();
    ctx.status = 204;
  });
  return router;
}
