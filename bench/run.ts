/**
 * `npm run bench`: what the integration costs, measured on this machine in
 * one run against baselines measured the same way, so that ratios mean
 * something on a shared 2-core machine. Loopback only; every load is bounded
 * in count and time. Prints a table and writes bench/results.json.
 *
 * B1 proxy overhead, B2 connect flows per second, B3 single flight (one
 * instance, then two on MySQL when MYSQL_URL is set), B4 memory with 10,000
 * stored connections, B5 the wall time of `npm test` (memory profile).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { got } from 'got';
import { openTokens } from '../src/crypto/sealed-tokens';
import { MySqlStore } from '../src/store/mysql/mysql-store';
import { Clock } from '../mock-provider/clock';
import { connectDirectly, connectThroughIntegration } from './flow';
import { closeAdminPool, ThrowawayDatabase } from '../dev/throwaway-database';
import { startBareProxy, startSecondInstance, startSystem, type System } from './setup';

const root = join(__dirname, '..');
const results: Record<string, unknown> = { machine: { cpus: execFileSync('nproc').toString().trim(), node: process.version }, at: new Date().toISOString() };
const rows: string[][] = [];

function row(...cells: Array<string | number>): void {
  rows.push(cells.map((cell) => (typeof cell === 'number' ? cell.toFixed(cell >= 100 ? 0 : 2) : cell)));
}

/** autocannon in its own process (16 connections, 5 s), so the load generator does not take the measured process's CPU. */
async function load(url: string, headers: Readonly<Record<string, string>>, seconds = 5): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const args = [join(root, 'node_modules', 'autocannon', 'autocannon.js'), '--json', '--connections', '16', '--duration', String(seconds)];
  for (const [name, value] of Object.entries(headers)) args.push('--headers', `${name}=${value}`);
  const child = spawn(process.execPath, [...args, url], { stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await once(child, 'exit');
  const result = JSON.parse(output) as autocannon.Result;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;
const refreshes = (system: System) => system.mock.requests.to('token').filter((request) => request.params.grant_type === 'refresh_token').length;

async function b1(): Promise<void> {
  // The vendor runs in its own process, as a real one does: the load generator, the integration and the bare proxy share this one.
  const system = await startSystem({ mockInItsOwnProcess: true });
  const jar = await connectThroughIntegration(system.integration.url, system.mock.issuer, 'bench');
  const cookie = await jar.getCookieString(system.integration.url);
  const connection = await system.integration.integration.store.findConnection('bench');
  const { accessToken } = openTokens(system.integration.integration.cipher, connection!);
  const bare = await startBareProxy(system.mock.issuer, accessToken);
  const targets = {
    integration: [`${system.integration.url}/api/databases`, { cookie, accept: 'application/json' }],
    direct: [`${system.mock.issuer}/v1/databases`, { authorization: `Bearer ${accessToken}` }],
    floor: [bare.url, {}],
  } as const;
  // Every side warmed up first, then measured in the same order, so that neither is measured cold.
  for (const [url, headers] of Object.values(targets)) await load(url, headers, 2);
  const integration = await load(...targets.integration);
  const direct = await load(...targets.direct);
  const floor = await load(...targets.floor);
  await bare.close();
  await system.close();
  const ratio = integration.rps / floor.rps;
  results.b1 = { integration, direct, bare: floor, ratio, target: 0.8 };
  row('B1', 'GET /api/databases via the integration', integration.rps, `p50 ${integration.p50} ms, p99 ${integration.p99} ms`, '');
  row('B1', 'GET /v1/databases straight to the mock', direct.rps, `p50 ${direct.p50} ms, p99 ${direct.p99} ms`, '');
  row('B1', 'GET via a bare Koa + got proxy (floor)', floor.rps, `p50 ${floor.p50} ms, p99 ${floor.p99} ms`, '');
  row('B1', 'ratio integration / bare proxy', ratio, ratio >= 0.8 ? 'target >= 0.80: met' : 'target >= 0.80: MISSED', `${integration.errors + direct.errors + floor.errors} errors`);
}

async function b2(): Promise<void> {
  const system = await startSystem();
  const flows = 60;
  const measure = async (one: (index: number) => Promise<unknown>) => {
    const started = performance.now();
    for (let batch = 0; batch < flows; batch += 4) await Promise.all([0, 1, 2, 3].map((offset) => one(batch + offset)));
    return flows / ((performance.now() - started) / 1000);
  };
  await connectDirectly(system.mock); // warm up both paths once
  await connectThroughIntegration(system.integration.url, system.mock.issuer, 'warmup');
  const direct = await measure(() => connectDirectly(system.mock));
  const integration = await measure((index) => connectThroughIntegration(system.integration.url, system.mock.issuer, `user${index}`));
  await system.close();
  const ratio = integration / direct;
  results.b2 = { flowsPerSecond: { integration, minimalClient: direct }, flows, concurrency: 4, ratio, target: 0.9 };
  row('B2', `full connect flows/s via the integration (${flows}, 4 at a time)`, integration, '', '');
  row('B2', 'same provider steps by a minimal client (ceiling)', direct, '', '');
  row('B2', 'ratio integration / minimal client', ratio, ratio >= 0.9 ? 'target >= 0.90: met' : 'target >= 0.90: MISSED', '');
}

async function burst(urls: string[], cookie: string, calls: number): Promise<{ p99: number; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: calls }, async (_unused, index) => {
      const started = performance.now();
      const response = await got.get(`${urls[index % urls.length]}/api/databases`, {
        headers: { cookie, accept: 'application/json' },
        throwHttpErrors: false,
        retry: { limit: 0 },
        timeout: { request: 60_000 },
      });
      latencies.push(performance.now() - started);
      if (response.statusCode !== 200) failed += 1;
    }),
  );
  return { p99: percentile(latencies, 0.99), failed };
}

async function b3(clock: Clock): Promise<void> {
  const calls = 1000;
  const system = await startSystem();
  const jar = await connectThroughIntegration(system.integration.url, system.mock.issuer, 'bench');
  const cookie = await jar.getCookieString(system.integration.url);
  clock.advance(61 * 60_000);
  const one = await burst([system.integration.url], cookie, calls);
  const oneInstance = { refreshRequests: refreshes(system), ...one };
  await system.close();
  clock.reset();
  row('B3', `${calls} concurrent calls, expired token, one instance`, String(oneInstance.refreshRequests), `refresh requests (must be 1); p99 ${oneInstance.p99.toFixed(0)} ms`, `${oneInstance.failed} failed`);
  results.b3 = { calls, oneInstance };

  if (!process.env.MYSQL_URL) {
    row('B3', 'two instances on MySQL', '-', 'skipped: set MYSQL_URL', '');
    return;
  }
  const database = await ThrowawayDatabase.create('bench');
  const open = async () => {
    const store = new MySqlStore(database.url);
    return { store, limiterFactory: store.limiterFactory() };
  };
  try {
    const mysqlSystem = await startSystem({ store: open });
    const second = await startSecondInstance(mysqlSystem, await open());
    const mysqlJar = await connectThroughIntegration(mysqlSystem.integration.url, mysqlSystem.mock.issuer, 'bench');
    const mysqlCookie = await mysqlJar.getCookieString(mysqlSystem.integration.url);
    clock.advance(61 * 60_000);
    const two = await burst([mysqlSystem.integration.url, second.url], mysqlCookie, calls);
    const twoInstances = { refreshRequests: refreshes(mysqlSystem), ...two };
    await second.close();
    await mysqlSystem.close();
    clock.reset();
    row('B3', `${calls} concurrent calls, expired token, two instances on MySQL`, String(twoInstances.refreshRequests), `refresh requests (must be 1); p99 ${twoInstances.p99.toFixed(0)} ms`, `${twoInstances.failed} failed`);
    results.b3 = { calls, oneInstance, twoInstances };
  } finally {
    await database.drop();
    await closeAdminPool();
  }
}

function b4(): void {
  const stores = process.env.MYSQL_URL ? ['memory', 'mysql'] : ['memory'];
  const measured = stores.map((store) => {
    const output = execFileSync(process.execPath, ['--expose-gc', '--require', 'ts-node/register', join(__dirname, 'memory.ts'), store], { cwd: root, env: process.env }).toString();
    return JSON.parse(output) as { store: string; connections: number; rssBeforeMiB: number; rssAfterMiB: number; heapGrowthMiB: number };
  });
  for (const m of measured) {
    row('B4', `RSS with ${m.connections} stored connections, ${m.store} store`, m.rssAfterMiB, `MiB (${m.rssBeforeMiB.toFixed(0)} before; heap +${m.heapGrowthMiB.toFixed(1)} MiB)`, '');
  }
  results.b4 = measured;
}

function b5(): void {
  const started = performance.now();
  const environment = { ...process.env };
  delete environment.MYSQL_URL;
  // Note: this is `npm test` itself, so it rewrites coverage/ and reports/.
  const run = spawnSync('bash', ['.ci/test'], { cwd: root, env: environment, encoding: 'utf8', timeout: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  const scenarios = /memory: (\d+) scenarios/.exec(run.stdout)?.[1];
  results.b5 = { seconds, passed: run.status === 0, scenarios: Number(scenarios), target: 30 };
  row('B5', `npm test, memory profile (${scenarios} scenarios, under c8)`, seconds, seconds <= 30 ? 's; target <= 30 s: met' : 's; target <= 30 s: MISSED', run.status === 0 ? 'passed' : 'FAILED');
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const wanted = (name: string) => only.length === 0 || only.includes(name);
  const clock = new Clock();
  Clock.install();
  if (wanted('b1')) await b1();
  if (wanted('b2')) await b2();
  if (wanted('b3')) await b3(clock);
  if (wanted('b4')) b4();
  if (wanted('b5')) b5();
  const widths = [4, 64, 12, 52, 12];
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index] ?? 10)).join(' ');
  process.stdout.write(`\n${line(['', 'measure', 'value', 'unit / target', 'notes'])}\n${rows.map(line).join('\n')}\n`);
  // A partial run (`npm run bench -- b1`) updates its own rows and keeps the others.
  const file = join(__dirname, 'results.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
  const singleFlight = results.b3 as { oneInstance: { refreshRequests: number }; twoInstances?: { refreshRequests: number } } | undefined;
  if (singleFlight && [singleFlight.oneInstance, singleFlight.twoInstances].some((run) => run && run.refreshRequests !== 1)) {
    process.stderr.write('B3 FAILED: concurrent calls made more than one refresh request.\n');
    process.exitCode = 1;
  }
  process.stdout.write('\nWritten to bench/results.json\n');
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`The benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
