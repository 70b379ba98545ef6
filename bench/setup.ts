/**
 * The systems under measurement, on loopback, started by the launcher
 * (testkit/local-system.ts): the integration as operators run it (the compiled
 * build, a process of its own per instance), the mock provider (in the
 * bench's process when a measurement needs its request log, or in its own
 * process as a real vendor runs), and the floor for any integration: a bare
 * Koa pass-through proxy on node:http, also a process of its own.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { type MockProvider, startMockProvider } from '../mock-provider';
import type { Environment } from '../src/config';
import {
  callbackOf,
  freeLoopbackPort,
  integrationClient,
  integrationEnvironment,
  type IntegrationProcess,
  startIntegrationProcess,
  startMockProcess,
} from '../testkit/local-system';
import { compiledScript } from './compiled-script';

/** The mock run in its own process: what a vendor offers, no more. */
export type MockProcess = Awaited<ReturnType<typeof startMockProcess>>;

export interface System<Mock> {
  readonly mock: Mock;
  readonly environment: Environment;
  readonly integration: IntegrationProcess;
  close(): Promise<void>;
}

/** The load comes from one address and few sessions: our own limits are not what is measured. */
const unlimited = 'sign_in=1000000/60,connect=1000000/60,callback=1000000/60,api=100000000/60';

async function startWith<Mock extends { issuer: string; client: MockProvider['client']; close(): Promise<void> }>(
  startMock: (client: MockProvider['client']) => Promise<Mock>,
  extra: Environment,
  nodeOptions: readonly string[],
): Promise<System<Mock>> {
  const port = await freeLoopbackPort();
  const mock = await startMock(integrationClient(callbackOf(port)));
  const environment = integrationEnvironment(mock, { LOG_LEVEL: 'warn', RATE_LIMITS: unlimited, ...extra });
  const integration = await startIntegrationProcess(environment, nodeOptions).catch(async (error: unknown) => {
    await mock.close();
    throw error;
  });
  return {
    mock,
    environment,
    integration,
    async close() {
      await integration.close();
      await mock.close();
    },
  };
}

/** The compiled integration in its own process, the mock in this one (its request log and controls at hand). */
export function startSystem(
  extra: Environment = {},
  nodeOptions: readonly string[] = [],
): Promise<System<MockProvider>> {
  return startWith((client) => startMockProvider({ client }), extra, nodeOptions);
}

/** The compiled integration and the mock each in a process of their own. */
export function startSystemApart(
  extra: Environment = {},
  nodeOptions: readonly string[] = [],
): Promise<System<MockProcess>> {
  return startWith((client) => startMockProcess(client), extra, nodeOptions);
}

/** Another instance of the same integration (same settings and store), on a port of its own. */
export async function startSecondInstance(system: System<unknown>): Promise<IntegrationProcess> {
  return startIntegrationProcess({ ...system.environment, PORT: String(await freeLoopbackPort()) });
}

/**
 * The floor (bench/bare-proxy.ts) in its own process: `GET /` passed
 * to the vendor's `/v1/databases` with `accessToken`.
 */
export async function startBareProxy(
  apiBaseUrl: string,
  accessToken: string,
  nodeOptions: readonly string[] = [],
): Promise<{ url: string; pid: number; close(): Promise<void> }> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [...nodeOptions, compiledScript(`${__dirname}/bare-proxy.ts`)], {
    env: { PATH: process.env.PATH, PORT: String(port), API_BASE_URL: apiBaseUrl, ACCESS_TOKEN: accessToken },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (
    let attempt = 0;
    (await fetch(url).then(
      (response) => response.status,
      () => 0,
    )) !== 200;
    attempt += 1
  ) {
    if (child.exitCode !== null || attempt > 3000) throw new Error('the bare proxy did not start');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    url,
    pid: child.pid as number,
    async close() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
