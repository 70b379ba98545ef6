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
import { listDatabases, listTables } from './routes/databases';
import { disconnect } from './routes/disconnect';
import { home } from './routes/home';
import { signIn } from './routes/session';
import { MemoryStore } from './store/memory-store';
import type { Store } from './store/store';
import { Revocations } from './tokens/revocations';
import { TokenManager } from './tokens/token-manager';
import { VendorApi } from './tokens/vendor-api';
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
  // The services hold the integration they belong to; they are attached once it exists.
  const integration: Omit<Integration, 'tokens' | 'vendorApi' | 'revocations'> = {
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
  const complete = integration as Integration;
  const tokens = new TokenManager(complete);
  Object.assign(complete, { tokens, vendorApi: new VendorApi(complete, tokens), revocations: new Revocations(complete) });
  return complete;
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
  router.get('/api/databases', listDatabases(integration));
  router.get('/api/databases/:name/tables', listTables(integration));
  router.post('/disconnect', disconnect(integration));
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
