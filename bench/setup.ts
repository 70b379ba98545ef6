/**
 * The systems under measurement, started in this process on loopback: the
 * mock provider, one or two integration instances (memory or MySQL store),
 * and the floor for any integration: a bare Koa + got pass-through proxy.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { got } from 'got';
import Koa from 'koa';
import { loadConfig, type Config } from '../src/config';
import { createLogger } from '../src/observability/logger';
import { startIntegration, type RunningIntegration } from '../src/server';
import type { Store } from '../src/store/store';
import type { LimiterFactory } from '../src/http/rate-limits';
import { startMockProvider, type MockProvider } from '../mock-provider';
import { callbackOf, integrationClient, integrationEnvironment, listeningOnLoopback, startMockProcess } from '../dev/local-system';

export interface System {
  /** The mock in this process; absent when it runs in its own (`mockProcess`). */
  readonly mock: MockProvider;
  readonly config: Config;
  readonly integration: RunningIntegration;
  close(): Promise<void>;
}

export async function startSystem(
  options: { store?: () => Promise<{ store: Store; limiterFactory?: LimiterFactory }>; mockInItsOwnProcess?: boolean } = {},
): Promise<System> {
  const server = await listeningOnLoopback();
  const client = integrationClient(callbackOf(server));
  const external = options.mockInItsOwnProcess ? await startMockProcess(client) : undefined;
  const mock = external ? ({ ...external } as unknown as MockProvider) : await startMockProvider({ client });
  const config = loadConfig(
    integrationEnvironment(mock, {
      LOG_LEVEL: 'warn',
      // The load comes from one address and few sessions: our own limits are not what is measured.
      RATE_LIMITS: 'sign_in=1000000/60,connect=1000000/60,callback=1000000/60,api=100000000/60',
    }),
  );
  const opened = options.store ? await options.store() : {};
  const logger = createLogger('warn');
  const integration = await startIntegration(config, { ...opened, server, logger, defaultMetrics: false });
  return {
    mock,
    config,
    integration,
    async close() {
      await integration.close();
      await mock.close();
    },
  };
}

/** Another instance of the same integration, on its own port, sharing a store of the same database. */
export async function startSecondInstance(system: System, opened: { store: Store; limiterFactory?: LimiterFactory }): Promise<RunningIntegration> {
  return startIntegration(system.config, { ...opened, server: await listeningOnLoopback(), logger: createLogger('warn'), defaultMetrics: false });
}

/** A bare Koa + got pass-through proxy of `GET /api/databases` to the vendor API with a fixed token: the floor. */
export async function startBareProxy(apiBaseUrl: string, accessToken: string): Promise<{ url: string; close(): Promise<void> }> {
  const http = got.extend({ responseType: 'text', retry: { limit: 0 }, throwHttpErrors: false });
  const app = new Koa();
  app.use(async (ctx) => {
    const response = await http.get(`${apiBaseUrl}/v1/databases`, { headers: { authorization: `Bearer ${accessToken}` } });
    ctx.status = response.statusCode;
    ctx.type = 'json';
    ctx.body = response.body;
  });
  const server = await listeningOnLoopback();
  const callback = app.callback();
  server.on('request', (request, response) => void callback(request, response));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
