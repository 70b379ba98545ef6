/**
 * The systems under measurement, started in this process on loopback: the
 * mock provider, one or two integration instances (memory or MySQL store),
 * and the floor for any integration: a bare Koa + got pass-through proxy.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { got } from 'got';
import Koa from 'koa';
import { createPool } from 'mysql2/promise';
import { migrate } from '../src/store/mysql/migrations';
import { loadConfig, type Config } from '../src/config';
import { generateKeyRingValue } from '../src/crypto/key-ring';
import { createLogger } from '../src/observability/logger';
import { startIntegration, type RunningIntegration } from '../src/server';
import type { Store } from '../src/store/store';
import type { LimiterFactory } from '../src/http/rate-limits';
import { startMockProvider, type MockProvider } from '../mock-provider';

export interface System {
  /** The mock in this process; absent when it runs in its own (`mockProcess`). */
  readonly mock: MockProvider;
  readonly config: Config;
  readonly integration: RunningIntegration;
  close(): Promise<void>;
}

async function listening(): Promise<Server> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** The mock run alone (`npm run start:mock`) in a child process, as a vendor is: its costs are not the integration's. */
async function startMockProcess(client: { client_id: string; client_secret: string; redirect_uris: string[] }): Promise<{ issuer: string; stop(): Promise<void> }> {
  const port = (await listening().then(async (server) => {
    const address = server.address() as AddressInfo;
    server.close();
    await once(server, 'close');
    return address;
  })).port;
  const child = spawn(process.execPath, ['--require', 'ts-node/register', join(__dirname, '..', 'mock-provider', 'main.ts')], {
    env: { ...process.env, MOCK_PORT: String(port), MOCK_CLIENT_ID: client.client_id, MOCK_CLIENT_SECRET: client.client_secret, MOCK_REDIRECT_URI: client.redirect_uris[0] },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('accounts:') && resolve());
    child.on('exit', (status) => reject(new Error(`the mock exited with ${status} before it was ready`)));
  });
  return {
    issuer: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export async function startSystem(
  options: { store?: () => Promise<{ store: Store; limiterFactory?: LimiterFactory }>; mockInItsOwnProcess?: boolean } = {},
): Promise<System> {
  const server = await listening();
  const port = (server.address() as AddressInfo).port;
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const client = { client_id: 'mysql-integration', client_secret: randomBytes(24).toString('base64url'), redirect_uris: [redirectUri] };
  const external = options.mockInItsOwnProcess ? await startMockProcess(client) : undefined;
  const mock = external ? ({ issuer: external.issuer, client, close: () => external.stop() } as unknown as MockProvider) : await startMockProvider({ client });
  const config = loadConfig({
    ISSUER_URL: mock.issuer,
    CLIENT_ID: client.client_id,
    CLIENT_SECRET: client.client_secret,
    REDIRECT_URI: redirectUri,
    TOKEN_ENCRYPTION_KEYS: generateKeyRingValue('k1'),
    SESSION_KEYS: randomBytes(32).toString('base64url'),
    PORT: String(port),
    LOG_LEVEL: 'warn',
    // The load comes from one address and few sessions: our own limits are not what is measured.
    RATE_LIMITS: 'sign_in=1000000/60,connect=1000000/60,callback=1000000/60,api=100000000/60',
  });
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
  return startIntegration(system.config, { ...opened, server: await listening(), logger: createLogger('warn'), defaultMetrics: false });
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
  const server = await listening();
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

/** A fresh, migrated database of its own on the server of MYSQL_URL; `drop` removes it. */
export async function benchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = new URL(process.env.MYSQL_URL as string);
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const admin = createPool({ uri: server.href, connectionLimit: 1 });
  await admin.query(`CREATE DATABASE \`${name}\``);
  server.pathname = `/${name}`;
  const pool = createPool({ uri: server.href, connectionLimit: 1 });
  await migrate(pool);
  await pool.end();
  return {
    url: server.href,
    async drop() {
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.end();
    },
  };
}
