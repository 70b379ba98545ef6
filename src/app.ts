/**
 * The integration as a Koa app: request log and error handler first,
 * security headers, rate limits, then the routes of the HTTP contract
 * (DESIGN.md).
 */
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Integration } from './context';
import { TokenCipher } from './crypto/token-cipher';
import { errorHandler, loggableError } from './http/error-handler';
import { ProviderClient } from './http/provider-client';
import { RateLimiter, type LimiterFactory } from './http/rate-limits';
import { securityHeaders } from './http/security-headers';
import { Discovery } from './oauth/discovery';
import { JwksCache } from './oauth/jwks';
import { createLogger } from './observability/logger';
import { Metrics } from './observability/metrics';
import { requestLog } from './observability/request-log';
import { callback } from './routes/callback';
import { connect } from './routes/connect';
import { connectionStatus } from './routes/connection-status';
import { listDatabases, listTables } from './routes/databases';
import { disconnect } from './routes/disconnect';
import { health, metrics, readiness } from './routes/health';
import { home } from './routes/home';
import { signIn, signOut } from './routes/session';
import { MemoryStore } from './store/memory-store';
import type { Store } from './store/store';
import { Revocations } from './tokens/revocations';
import { TokenManager } from './tokens/token-manager';
import { VendorApi } from './tokens/vendor-api';
import { stylesheet } from './views/layout';

export interface IntegrationOptions {
  store?: Store;
  logger?: Logger;
  now?: () => number;
  /** Where the rate limiter keeps its counters (in memory by default). */
  limiterFactory?: LimiterFactory;
  /** Collect the process-wide default metrics (CPU, memory, event loop); on by default. */
  defaultMetrics?: boolean;
}

export function createIntegration(config: Config, options: IntegrationOptions = {}): Integration {
  const now = options.now ?? Date.now;
  const metrics = new Metrics({ defaultMetrics: options.defaultMetrics });
  const http = new ProviderClient({
    timeoutMs: config.providerTimeoutMs,
    attempts: config.providerRetryAttempts,
    baseDelayMs: config.providerRetryBaseMs,
    maxDelayMs: config.providerRetryMaxMs,
    retryAfterCapSeconds: config.providerRetryAfterCapSeconds,
    certificateAuthority: config.providerCa,
    observe: (endpoint, status, seconds) => metrics.providerLatency.observe({ endpoint, status }, seconds),
  });
  // The services hold the integration they belong to; they are attached once it exists.
  const integration: Omit<Integration, 'tokens' | 'vendorApi' | 'revocations'> = {
    config,
    now,
    http,
    metrics,
    store: options.store ?? new MemoryStore(now),
    discovery: new Discovery(config.issuer, http, config.discoveryTtlSeconds * 1000, now),
    jwks: new JwksCache(http),
    cipher: new TokenCipher(config.tokenEncryptionKeys),
    logger: options.logger ?? createLogger(config.logLevel),
    rateLimiter: new RateLimiter(config.rateLimits, metrics, options.limiterFactory),
    origin: new URL(config.redirectUri).origin,
  };
  const complete = integration as Integration;
  const tokens = new TokenManager(complete);
  Object.assign(complete, { tokens, vendorApi: new VendorApi(complete, tokens), revocations: new Revocations(complete) });
  return complete;
}

/** Every answer at the callback, refusals included, tells the browser to send no Referer: its URL holds the code. */
const noReferrer: Koa.Middleware = async (ctx, next) => {
  ctx.set('referrer-policy', 'no-referrer');
  await next();
};

export function createApp(integration: Integration): Koa {
  // Behind the proxy, only the address the proxy itself appended is believed: the rest of X-Forwarded-For is the client's to forge.
  const app = new Koa({ keys: [...integration.config.sessionKeys], proxy: integration.config.trustProxy, maxIpsCount: 1 });
  const router = new Router();
  const callbackPath = new URL(integration.config.redirectUri).pathname;
  const limit = (group: Parameters<RateLimiter['middleware']>[0]) => integration.rateLimiter.middleware(group);

  router.get('/', home(integration));
  router.post('/session', limit('sign_in'), ...signIn(integration));
  router.post('/session/end', limit('sign_in'), signOut(integration));
  router.get('/connect', limit('connect'), connect(integration));
  router.get(callbackPath, noReferrer, limit('callback'), callback(integration));
  router.post('/disconnect', limit('connect'), disconnect(integration));
  router.get('/api/connection', limit('api'), connectionStatus(integration));
  router.get('/api/databases', limit('api'), listDatabases(integration));
  router.get('/api/databases/:name/tables', limit('api'), listTables(integration));
  router.get('/healthz', health());
  router.get('/readyz', readiness(integration));
  router.get('/metrics', metrics(integration));
  router.get('/assets/style.css', (ctx) => {
    ctx.type = 'css';
    ctx.set('cache-control', 'public, max-age=3600');
    ctx.body = stylesheet;
  });

  // Errors Koa meets outside the middleware (a client that sends garbage on a kept-alive socket) are logged, not printed.
  app.on('error', (error: unknown) => integration.logger.warn({ error: loggableError(error) }, 'request stream error'));
  app.use(requestLog(integration.logger));
  app.use(errorHandler());
  app.use(securityHeaders());
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: false }));
  return app;
}
