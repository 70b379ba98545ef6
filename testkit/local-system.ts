/**
 * The local system: the mock provider and the integration wired to each
 * other on loopback. The one place that derives the integration's
 * environment from a running mock, shared by the demo (`npm start`), the
 * bench and the harness's World.
 *
 *   const server = await listeningOnLoopback();                    // the integration's port, taken first
 *   const client = integrationClient(callbackOf(server));           // its registration at the mock
 *   const mock = await startMockProvider({ client });               // or startMockProcess(client)
 *   const environment = integrationEnvironment(mock, { LOG_LEVEL: 'warn' });
 *   loadConfig(environment) ... or spawn the integration with it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import type { ClientRegistration } from '../mock-provider';
import type { Environment } from '../src/config';
import { generateKeyRingValue } from '../src/crypto/key-ring';
import { createIntegrationServer } from '../src/server';
import { projectRoot, scriptArguments } from './project-root';

/** The client id the mock registers the integration under. */
export const integrationClientId = 'mysql-integration';

/** An HTTP server listening on an ephemeral port of 127.0.0.1 (or `port`), not yet serving anything. */
export async function listeningOnLoopback(port = 0): Promise<Server> {
  const server = createIntegrationServer();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** A port nothing listens on right now (for a process that opens it itself). */
export async function freeLoopbackPort(): Promise<number> {
  const server = await listeningOnLoopback();
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** The callback URL of an integration served by `server` (or on `port`) on loopback. */
export function callbackOf(server: Server | number): string {
  const port = typeof server === 'number' ? server : (server.address() as AddressInfo).port;
  return `http://127.0.0.1:${port}/callback`;
}

/** The integration's registration at the mock: its callback URL, and a client secret generated for this run. */
export function integrationClient(redirectUri: string): ClientRegistration {
  return {
    client_id: integrationClientId,
    client_secret: randomBytes(24).toString('base64url'),
    redirect_uris: [redirectUri],
  };
}

/**
 * The environment of an integration that uses `mock`: its issuer, the
 * client's id, secret and redirect URI, the port and host of that redirect
 * URI, and development secrets generated for this run (a token key ring of one key, "k1", and
 * a session key). `extra` adds or overrides variables (LOG_LEVEL, ...).
 */
export function integrationEnvironment(
  mock: { readonly issuer: string; readonly client: ClientRegistration },
  extra: Environment = {},
): Environment {
  const redirectUri = mock.client.redirect_uris[0];
  if (!redirectUri) throw new Error('the mock holds no redirect URI for the integration');
  const callback = new URL(redirectUri);
  return {
    ISSUER_URL: mock.issuer,
    CLIENT_ID: mock.client.client_id,
    CLIENT_SECRET: mock.client.client_secret,
    REDIRECT_URI: redirectUri,
    TOKEN_ENCRYPTION_KEYS: generateKeyRingValue('k1'),
    SESSION_KEYS: randomBytes(32).toString('base64url'),
    // The demo sign-in, switched on explicitly: anyone may sign in as anyone (never in production).
    IDENTITY: 'demo',
    // A developer's .env must not leak into what the launcher starts.
    ENV_FILE: 'none',
    PORT: callback.port,
    HOST: callback.hostname,
    ...extra,
  };
}

/** The mock alone in a process of its own (`npm run start:mock`), as a real vendor runs apart from the integration. */
export async function startMockProcess(
  client: ClientRegistration,
  port?: number,
): Promise<{ readonly issuer: string; readonly client: ClientRegistration; close(): Promise<void> }> {
  const mockPort = port ?? (await freeLoopbackPort());
  // Compiled when this code is (the harness), through ts-node when it is not (the bench).
  const child = spawn(process.execPath, scriptArguments('mock-provider/main.ts'), {
    env: {
      ...process.env,
      MOCK_PORT: String(mockPort),
      MOCK_CLIENT_ID: client.client_id,
      MOCK_CLIENT_SECRET: client.client_secret,
      MOCK_REDIRECT_URI: client.redirect_uris[0],
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => output.includes('accounts:') && resolve());
    child.once('exit', (status) => reject(new Error(`the mock exited with ${status} before it was ready:\n${output}`)));
  });
  // Ready: its output is no longer wanted, but still drained so that it never blocks on a full pipe.
  child.stdout.removeAllListeners('data').resume();
  child.stderr.removeAllListeners('data').resume();
  return {
    issuer: `http://127.0.0.1:${mockPort}`,
    client,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/**
 * The integration as operators run it: the compiled build
 * (`dist/main.js`, built first if stale) in a process of its own.
 */
export interface IntegrationProcess {
  readonly url: string;
  readonly pid: number;
  /** SIGTERM, and wait for it to exit. */
  close(): Promise<void>;
}

/**
 * Start `dist/main.js` with `environment` (and PATH) only, plus `nodeOptions`
 * before the script (`--cpu-prof`, ...); resolves once `GET /healthz` answers 200.
 */
export async function startIntegrationProcess(
  environment: Environment,
  nodeOptions: readonly string[] = [],
): Promise<IntegrationProcess> {
  // Plain JavaScript beside the sources, not in the compiled tree: found from the project, on first use.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildIfStale, dist } = require(join(projectRoot, 'dev', 'build.cjs')) as typeof import('../dev/build.cjs');
  buildIfStale();
  const child = spawn(process.execPath, [...nodeOptions, join(dist, 'main.js')], {
    env: { PATH: process.env.PATH, ...environment },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://${environment.HOST ?? '127.0.0.1'}:${environment.PORT ?? 3000}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dist/main.js exited with ${child.exitCode}: ${stderr}`);
    const status = await fetch(`${url}/healthz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`dist/main.js did not answer /healthz within 30 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    url,
    pid: child.pid as number,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
