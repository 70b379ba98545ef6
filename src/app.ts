/**
 * The integration as a Koa app: the request log and the error handler
 * first, security headers, then the routes of the HTTP contract, each with
 * its rate limit. The identity's own routes (the demo sign-in) are mounted
 * only when that identity is configured.
 */
import Router from '@koa/router';
import Koa from 'koa';

import { CookieSigner } from './http/cookie-signing';
import { errorHandler, loggableError } from './http/error-handler';
import type { IntegrationMiddleware, IntegrationState } from './http/integration-state';
import type { RouteGroup } from './http/rate-limits';
import { securityHeaders } from './http/security-headers';
import { DemoSignIn } from './identity/demo-sign-in';
import type { Integration } from './integration';
import { requestLog } from './observability/request-log';
import { callback } from './routes/callback';
import { clientJwks } from './routes/client-jwks';
import { connect } from './routes/connect';
import { connectionStatus } from './routes/connection-status';
import { listDatabases, listTables } from './routes/databases';
import { disconnect } from './routes/disconnect';
import { health, metrics, readiness } from './routes/health';
import { home } from './routes/home';
import { insertRow, readRows } from './routes/rows';
import { signIn, signOut } from './routes/session';
import { testHookRoutes } from './routes/test-hooks';
import { stylesheet } from './views/layout';

/** Every answer at the callback, refusals included, tells the browser to send no Referer: its URL holds the code. */
const noReferrer: IntegrationMiddleware = async (ctx, next) => {
  ctx.set('referrer-policy', 'no-referrer');
  await next();
};

export function createApp(integration: Integration): Koa<IntegrationState> {
  const { config, identity, logger } = integration;
  // Behind the proxy, only the address the proxy itself appended is
  // believed: the rest of X-Forwarded-For is the client's to forge.
  const app = new Koa<IntegrationState>({ proxy: config.trustProxy, maxIpsCount: 1 });
  app.keys = new CookieSigner(config.sessionKeys);
  const router = new Router<IntegrationState>();
  const callbackPath = new URL(config.redirectUri).pathname;
  const limit = (group: RouteGroup) => integration.rateLimiter.middleware(group);

  router.get('/', home(integration));
  if (identity instanceof DemoSignIn) {
    const session = { demo: identity, origin: integration.origin };
    router.post('/session', limit('sign_in'), ...signIn(session));
    router.post('/session/end', limit('sign_in'), signOut(session));
  }
  router.get('/connect', limit('connect'), connect(integration));
  router.get(callbackPath, noReferrer, limit('callback'), callback(integration));
  router.post('/disconnect', limit('connect'), disconnect(integration));
  router.get('/api/connection', limit('api'), connectionStatus(integration));
  router.get('/api/databases', limit('api'), listDatabases(integration));
  router.get('/api/databases/:name/tables', limit('api'), listTables(integration));
  router.get('/api/databases/:name/tables/:table/rows', limit('api'), readRows(integration));
  router.post('/api/databases/:name/tables/:table/rows', limit('api'), ...insertRow(integration));
  router.get('/healthz', health());
  router.get('/jwks.json', clientJwks(integration));
  router.get('/readyz', readiness(integration));
  router.get('/metrics', metrics(integration));
  router.get('/assets/style.css', (ctx) => {
    ctx.type = 'css';
    ctx.set('cache-control', 'public, max-age=3600');
    ctx.body = stylesheet;
  });

  // Errors Koa meets outside the middleware (a client that sends
  // garbage on a kept-alive socket) are logged, not printed.
  app.on('error', (error: unknown) => logger.warn({ error: loggableError(error) }, 'request stream error'));
  app.use(requestLog(logger));
  app.use(errorHandler());
  app.use(securityHeaders());
  // TEST_HOOKS=true only, on loopback only (contract 9.1).
  if (integration.testHooks) app.use(testHookRoutes(integration, integration.testHooks));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: false }));
  return app;
}
