/**
 * The integration as a Koa app: the error handler first, security headers,
 * then the routes of the HTTP contract (DESIGN.md).
 */
import Router from '@koa/router';
import Koa from 'koa';
import { pino, type Logger } from 'pino';
import type { Config } from './config';
import type { Integration } from './context';
import { TokenCipher } from './crypto/token-cipher';
import { errorHandler } from './http/error-handler';
import { createProviderClient, type ProviderClient } from './http/provider-client';
import { securityHeaders } from './http/security-headers';
import { Discovery } from './oauth/discovery';
import { JwksCache } from './oauth/jwks';
import { callback } from './routes/callback';
import { connect } from './routes/connect';
import { connectionStatus } from './routes/connection-status';
import { home } from './routes/home';
import { signIn } from './routes/session';
import { MemoryStore } from './store/memory-store';
import type { Store } from './store/store';
import { stylesheet } from './views/layout';

export interface IntegrationOptions {
  store?: Store;
  logger?: Logger;
  http?: ProviderClient;
  now?: () => number;
}

export function createIntegration(config: Config, options: IntegrationOptions = {}): Integration {
  const now = options.now ?? Date.now;
  const http = options.http ?? createProviderClient({ timeoutMs: config.providerTimeoutMs });
  return {
    config,
    now,
    http,
    store: options.store ?? new MemoryStore(now),
    discovery: new Discovery(config.issuer, http, config.discoveryTtlSeconds * 1000, now),
    jwks: new JwksCache(http),
    cipher: new TokenCipher(config.tokenEncryptionKeys),
    logger: options.logger ?? pino({ level: config.logLevel }),
    origin: new URL(config.redirectUri).origin,
  };
}

export function createApp(integration: Integration): Koa {
  const app = new Koa({ keys: [...integration.config.sessionKeys] });
  const router = new Router();
  const callbackPath = new URL(integration.config.redirectUri).pathname;

  router.get('/', home(integration));
  router.post('/session', ...signIn(integration));
  router.get('/connect', connect(integration));
  router.get(callbackPath, callback(integration));
  router.get('/api/connection', connectionStatus(integration));
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/assets/style.css', (ctx) => {
    ctx.type = 'css';
    ctx.set('cache-control', 'public, max-age=3600');
    ctx.body = stylesheet;
  });

  app.use(errorHandler(integration.logger));
  app.use(securityHeaders());
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: false }));
  return app;
}
