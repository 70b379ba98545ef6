/**
 * `npm run bench`: what the integration costs, measured on this machine in
 * one run against baselines measured the same way, so that ratios mean
 * something on a shared 2-core machine. The integration runs as operators
 * run it: the compiled build (dist/main.js) in a process of its own.
 * Loopback only; every load is bounded in count and time. Prints a table
 * and writes bench/results.json.
 *
 * B1 proxy overhead, B2 connect flows per second (each beside the example
 * integration on openid-client, the peer), B3 single flight (one
 * instance, then two on MySQL when MYSQL_URL is set), B4 memory with 10,000
 * stored connections, B5 the harness's wall time (B5a `npx cucumber-js`,
 * B5b `npm test` with MYSQL_URL, B5c `.ci/run`: only when named, `npm run
 * bench -- b5c`), B6 cold start to ready. Each ratio is the median of BENCH_RUNS runs (3),
 * with the spread; each run measures its baseline beside it.
 *
 * `npm run bench -- b1 b6` runs only those; `npm run bench -- b1 --cpu-prof`
 * also writes the integration's CPU profile of B1 to bench/profiles/
 * (see bench/README.md).
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import autocannon from 'autocannon';
import { got } from 'got';

import { closeAdminPool, ThrowawayDatabase } from '../testkit/throwaway-database';
import { coldStarts, startCommands } from './cold-start';
import { compiledScript } from './compiled-script';
import { connectDirectly, connectThroughIntegration } from './flow';
import { startPeerApart } from './peer';
import { startBareProxy, startSecondInstance, startSystem, startSystemApart } from './setup';
import { type Profile, summarize } from './top-frames';

const root = join(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const results: Record<string, unknown> = {
  machine: { cpus: execFileSync('nproc').toString().trim(), node: process.version, loadAverage: [] as number[][] },
  at: new Date().toISOString(),
  runs,
};
const rows: string[][] = [];

function row(...cells: Array<string | number>): void {
  rows.push(cells.map((cell) => (typeof cell === 'number' ? cell.toFixed(cell >= 100 ? 0 : 2) : cell)));
}

/** The machine's load when a measurement starts: the figures are only as quiet as the machine. */
function noteLoad(): void {
  const [one] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  (results.machine as { loadAverage: number[] }).loadAverage.push(one ?? 0);
}

interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly values: number[];
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median =
    sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0, values };
}

const digits = (value: number) => value.toFixed(value >= 100 ? 0 : 2);
const shown = (s: Spread) => `${digits(s.median)} (${digits(s.min)}-${digits(s.max)})`;

/** CPU time (user + system) a process has used so far, in ms (/proc, clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Load {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly requests: number;
  /** CPU the measured process spent per request, in microseconds: steadier than req/s on a busy machine. */
  readonly cpuUsPerRequest?: number;
}

/** autocannon in its own process (16 connections), so the load generator does not take the measured process's CPU. */
async function load(url: string, headers: Readonly<Record<string, string>>, seconds = 5, pid?: number): Promise<Load> {
  const args = [
    join(root, 'node_modules', 'autocannon', 'autocannon.js'),
    '--json',
    '--connections',
    '16',
    '--duration',
    String(seconds),
  ];
  for (const [name, value] of Object.entries(headers)) args.push('--headers', `${name}=${value}`);
  const cpuBefore = pid === undefined ? 0 : cpuMsOf(pid);
  const child = spawn(process.execPath, [...args, url], { stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await once(child, 'exit');
  const cpuMs = pid === undefined ? 0 : cpuMsOf(pid) - cpuBefore;
  const result = JSON.parse(output) as autocannon.Result;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    requests: result.requests.total,
    ...(pid === undefined ? {} : { cpuUsPerRequest: (cpuMs * 1000) / Math.max(1, result.requests.total) }),
  };
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;

async function b1(profile: boolean): Promise<void> {
  noteLoad();
  let served: Record<string, number> = {};
  // The vendor, the integration and the floor each in a process of their own; autocannon in another.
  const profiles = join(__dirname, 'profiles');
  if (profile) mkdirSync(profiles, { recursive: true });
  // At the default log level (info), as operators run it: one log line per request.
  const profiling = (name: string) =>
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  const system = await startSystemApart({ LOG_LEVEL: 'info' }, profiling('integration'));
  const jar = await connectThroughIntegration(system.integration.url, system.mock.issuer, 'bench');
  const cookie = await jar.getCookieString(system.integration.url);
  const accessToken = await connectDirectly(system.mock);
  const bare = await startBareProxy(system.mock.issuer, accessToken, profiling('floor'));
  // The peer (bench/peer.ts): the example integration on openid-client, connected the same way, on a mock of its own.
  const peer = await startPeerApart(profiling('peer'));
  const peerCookie = await (
    await connectThroughIntegration(peer.url, peer.mock.issuer, 'bench')
  ).getCookieString(peer.url);
  const targets: Record<
    'integration' | 'peer' | 'floor' | 'direct',
    [string, Record<string, string>, number | undefined]
  > = {
    integration: [
      `${system.integration.url}/api/databases`,
      { cookie, accept: 'application/json' },
      system.integration.pid,
    ],
    peer: [`${peer.url}/api/databases`, { cookie: peerCookie, accept: 'application/json' }, peer.pid],
    floor: [bare.url, {}, bare.pid],
    direct: [`${system.mock.issuer}/v1/databases`, { authorization: `Bearer ${accessToken}` }, undefined],
  };
  const sides = Object.keys(targets) as Array<keyof typeof targets>;
  try {
    // Every side warmed up first, then each run measures all three, starting with another side each time.
    const warmups = { integration: 0, peer: 0, floor: 0, direct: 0 };
    for (const side of sides) warmups[side] = (await load(targets[side][0], targets[side][1], 2)).requests;
    const measured: Array<Record<keyof typeof targets, Load>> = [];
    for (let run = 0; run < runs; run += 1) {
      const one = {} as Record<keyof typeof targets, Load>;
      for (let turn = 0; turn < sides.length; turn += 1) {
        const side = sides[(run + turn) % sides.length] as keyof typeof targets;
        one[side] = await load(targets[side][0], targets[side][1], 5, targets[side][2]);
      }
      measured.push(one);
    }
    const of = (side: keyof typeof targets) => spread(measured.map((run) => run[side].rps));
    const ratio = spread(measured.map((run) => run.integration.rps / run.floor.rps));
    const peerRatio = spread(measured.map((run) => run.integration.rps / run.peer.rps));
    const errors = measured.reduce(
      (sum, run) => sum + run.integration.errors + run.peer.errors + run.floor.errors + run.direct.errors,
      0,
    );
    const latency = (side: keyof typeof targets) =>
      `p50 ${spread(measured.map((run) => run[side].p50)).median} ms, p99 ${spread(measured.map((run) => run[side].p99)).median} ms`;
    results.b1 = { runs: measured, ratio, peerRatio, target: 0.8, errors };
    row(
      'B1',
      'GET /api/databases via the integration (compiled), req/s',
      shown(of('integration')),
      latency('integration'),
      '',
    );
    row(
      'B1',
      'GET /api/databases via the example on openid-client (peer), req/s',
      shown(of('peer')),
      latency('peer'),
      '',
    );
    row('B1', 'GET via a bare Koa proxy on node:http (floor), req/s', shown(of('floor')), latency('floor'), '');
    row('B1', 'GET /v1/databases straight to the mock, req/s', shown(of('direct')), latency('direct'), '');
    row(
      'B1',
      `ratio integration / floor, median of ${runs} (spread)`,
      shown(ratio),
      ratio.median >= 0.8 ? 'target >= 0.80: met' : 'target >= 0.80: MISSED',
      `${errors} errors`,
    );
    row(
      'B1',
      `ratio integration / peer, median of ${runs} (spread)`,
      shown(peerRatio),
      peerRatio.median >= 1 ? 'at least as fast as the peer: yes' : 'at least as fast as the peer: NO',
      '',
    );
    const cpu = (side: 'integration' | 'peer' | 'floor') =>
      spread(measured.map((run) => run[side].cpuUsPerRequest ?? 0));
    const cpuRatio = spread(
      measured.map((run) => (run.floor.cpuUsPerRequest ?? 0) / (run.integration.cpuUsPerRequest ?? 1)),
    );
    row(
      'B1',
      'CPU per request, integration process, us',
      shown(cpu('integration')),
      `floor ${shown(cpu('floor'))}`,
      `peer ${shown(cpu('peer'))}`,
    );
    row('B1', 'CPU ratio floor / integration (throughput if CPU-bound)', shown(cpuRatio), '', '');
    (results.b1 as Record<string, unknown>).cpuRatio = cpuRatio;
    (results.b1 as Record<string, unknown>).cpuUsPerRequest = {
      integration: cpu('integration'),
      peer: cpu('peer'),
      floor: cpu('floor'),
    };
    if (profile)
      served = Object.fromEntries(
        (['integration', 'peer', 'floor'] as const).map((side) => [
          side,
          // Every request each process served, warm-up included, for the per-request figures.
          warmups[side] + measured.reduce((sum, run) => sum + run[side].requests, 0),
        ]),
      );
  } finally {
    await peer.close();
    await bare.close();
    await system.close();
  }
  if (profile) concernTable(profiles, served);
}

/**
 * After B1 --cpu-prof (the processes have exited, their profiles are written):
 * µs per request by concern (bench/top-frames.ts, concernRules) of the
 * integration beside the floor's and the peer's, from the profiles' busy time.
 */
function concernTable(profiles: string, served: Record<string, number>): void {
  const per = Object.fromEntries(
    Object.entries(served).map(([side, requests]) => {
      const { busyMs, concerns } = summarize(
        JSON.parse(readFileSync(join(profiles, `${side}.cpuprofile`), 'utf8')) as Profile,
        0,
      );
      return [
        side,
        {
          busyUs: (busyMs * 1000) / requests,
          concerns: new Map(concerns.map(([c, ms]) => [c, (ms * 1000) / requests])),
        },
      ];
    }),
  );
  const names = [...new Set(Object.values(per).flatMap((side) => [...side.concerns.keys()]))].sort(
    (a, b) => (per.integration?.concerns.get(b) ?? 0) - (per.integration?.concerns.get(a) ?? 0),
  );
  const cell = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(1)).padStart(12);
  const sides = Object.keys(per);
  const lines = [
    `${'busy us per request, by concern'.padEnd(44)}${sides.map((side) => side.padStart(12)).join('')}`,
    ...names.map((name) => `${name.padEnd(44)}${sides.map((side) => cell(per[side]?.concerns.get(name))).join('')}`),
    `${'all busy time'.padEnd(44)}${sides.map((side) => cell(per[side]?.busyUs)).join('')}`,
  ];
  results.b1Concerns = Object.fromEntries(
    sides.map((side) => [side, { busyUs: per[side]?.busyUs, ...Object.fromEntries(per[side]?.concerns ?? []) }]),
  );
  process.stdout.write(
    `\nB1 profiles (bench/profiles/{${sides.join(',')}}.cpuprofile; requests served: ${sides.map((side) => `${side} ${served[side]}`).join(', ')}):\n${lines.join('\n')}\n` +
      `(profile busy time is wall time while not idle: on a loaded machine it exceeds the CPU per request from /proc)\n`,
  );
}

/** The pids of this process's children (the mock's process among them). */
function childPids(): number[] {
  return readdirSync('/proc/self/task').flatMap((task) =>
    readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
  );
}

/** This process's own CPU time so far, in ms (the load generator's side: the browser steps). */
const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function b2(profile: boolean): Promise<void> {
  noteLoad();
  const flows = Number(process.env.BENCH_FLOWS ?? 200);
  const profiles = join(__dirname, 'profiles');
  if (profile) mkdirSync(profiles, { recursive: true });
  const before = new Set(childPids());
  const system = await startSystemApart(
    {},
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`, '--cpu-prof-name=integration-b2.cpuprofile'] : [],
  );
  // The mock is the child that is neither the integration nor there before.
  const mockPid = childPids().find((pid) => !before.has(pid) && pid !== system.integration.pid);
  // The peer (bench/peer.ts) and its own mock: the children that came with it.
  const beforePeer = new Set(childPids());
  const peer = await startPeerApart(
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`, '--cpu-prof-name=peer-b2.cpuprofile'] : [],
  );
  const peerMockPid = childPids().find((pid) => !beforePeer.has(pid) && pid !== peer.pid);
  let users = 0;
  const sides = {
    integration: () => connectThroughIntegration(system.integration.url, system.mock.issuer, `user${(users += 1)}`),
    peer: () => connectThroughIntegration(peer.url, peer.mock.issuer, `user${(users += 1)}`),
    direct: () => connectDirectly(system.mock),
  };
  type Side = keyof typeof sides;
  const sideNames = Object.keys(sides) as Side[];
  /** Each side's integration process (none for the minimal client) and mock. */
  const pids: Record<Side, { integration?: number; mock?: number }> = {
    integration: { integration: system.integration.pid, mock: mockPid },
    peer: { integration: peer.pid, mock: peerMockPid },
    direct: { mock: mockPid },
  };
  /** CPU ms spent per process (integration, mock, this one) over a measurement, per side. */
  const cpu = Object.fromEntries(
    sideNames.map((side) => [side, { integration: 0, mock: 0, client: 0, flows: 0 }]),
  ) as Record<Side, { integration: number; mock: number; client: number; flows: number }>;
  const cpuOf = (pid: number | undefined) => (pid === undefined ? 0 : cpuMsOf(pid));
  const failures = Object.fromEntries(sideNames.map((side) => [side, 0])) as Record<Side, number>;
  /** Flows per second over `count` flows, 4 at a time. */
  const measure = async (side: Side, count: number, counted = true) => {
    const cpuBefore = {
      integration: cpuOf(pids[side].integration),
      mock: cpuOf(pids[side].mock),
      client: ownCpuMs(),
    };
    const started = performance.now();
    // A flow that fails (a provider call timed out on a loaded machine) is counted, not fatal, up to a few a side.
    const flow = () =>
      sides[side]().then(
        () => undefined,
        (error: unknown) => {
          failures[side] += 1;
          if (failures[side] > 5) throw error;
        },
      );
    for (let batch = 0; batch < count; batch += 4) await Promise.all([0, 1, 2, 3].map(flow));
    const rate = count / ((performance.now() - started) / 1000);
    if (counted) {
      cpu[side].integration += cpuOf(pids[side].integration) - cpuBefore.integration;
      cpu[side].mock += cpuOf(pids[side].mock) - cpuBefore.mock;
      cpu[side].client += ownCpuMs() - cpuBefore.client;
      cpu[side].flows += count;
    }
    return rate;
  };
  try {
    for (const side of sideNames) await measure(side, 20, false);
    const measured: Array<Record<Side, number>> = [];
    for (let run = 0; run < runs; run += 1) {
      // Each run measures every side in two halves, in one order then the reverse (a, b, c, c, b, a), each run
      // starting with another side, so that a change in the machine's load touches all of them alike.
      const half = flows / 2;
      const order = sideNames.map((_side, turn) => sideNames[(run + turn) % sideNames.length] as Side);
      const early = {} as Record<Side, number>;
      for (const side of order) early[side] = await measure(side, half);
      const rate = {} as Record<Side, number>;
      // Flows per second over both halves (the harmonic mean: total flows over total time).
      for (const side of [...order].reverse()) rate[side] = 2 / (1 / early[side] + 1 / (await measure(side, half)));
      measured.push(rate);
    }
    const ratio = spread(measured.map((run) => run.integration / run.direct));
    const peerRatio = spread(measured.map((run) => run.integration / run.peer));
    // CPU per flow in microseconds, each process apart: where the
    // integration's flows spend what the minimal client's do not.
    const perFlow = (side: Side, process: 'integration' | 'mock' | 'client') =>
      Math.round((cpu[side][process] * 1000) / Math.max(1, cpu[side].flows));
    const cpuPerFlow = {
      integration: {
        integration: perFlow('integration', 'integration'),
        mock: perFlow('integration', 'mock'),
        client: perFlow('integration', 'client'),
      },
      peer: {
        integration: perFlow('peer', 'integration'),
        mock: perFlow('peer', 'mock'),
        client: perFlow('peer', 'client'),
      },
      direct: { mock: perFlow('direct', 'mock'), client: perFlow('direct', 'client') },
    };
    results.b2 = {
      runs: measured,
      flowsPerSide: flows,
      concurrency: 4,
      ratio,
      peerRatio,
      target: 0.9,
      cpuUsPerFlow: cpuPerFlow,
      failures,
    };
    row(
      'B2',
      `connect flows/s via the integration (${flows} a run, 4 at a time)`,
      shown(spread(measured.map((run) => run.integration))),
      '',
      '',
    );
    row(
      'B2',
      'connect flows/s via the example on openid-client (peer)',
      shown(spread(measured.map((run) => run.peer))),
      '',
      '',
    );
    row(
      'B2',
      'same provider steps by a minimal client (ceiling)',
      shown(spread(measured.map((run) => run.direct))),
      '',
      '',
    );
    row(
      'B2',
      `ratio integration / minimal client, median of ${runs} (spread)`,
      shown(ratio),
      ratio.median >= 0.9 ? 'target >= 0.90: met' : 'target >= 0.90: MISSED',
      `failed flows: ${sideNames.map((side) => `${side} ${failures[side]}`).join(', ')}`,
    );
    row(
      'B2',
      `ratio integration / peer, median of ${runs} (spread)`,
      shown(peerRatio),
      peerRatio.median >= 1 ? 'at least as fast as the peer: yes' : 'at least as fast as the peer: NO',
      '',
    );
    row(
      'B2',
      'CPU per flow, us: integration process / mock / load generator',
      `${cpuPerFlow.integration.integration} / ${cpuPerFlow.integration.mock} / ${cpuPerFlow.integration.client}`,
      `minimal client: - / ${cpuPerFlow.direct.mock} / ${cpuPerFlow.direct.client}`,
      `peer: ${cpuPerFlow.peer.integration} / ${cpuPerFlow.peer.mock} / ${cpuPerFlow.peer.client}`,
    );
    if (profile)
      process.stdout.write(
        `CPU profiles written when the processes exit: bench/profiles/integration-b2.cpuprofile (${cpu.integration.flows + 20} flows), ` +
          `bench/profiles/peer-b2.cpuprofile (${cpu.peer.flows + 20} flows).\n`,
      );
  } finally {
    await peer.close();
    await system.close();
  }
}

async function burst(urls: string[], cookie: string, calls: number): Promise<{ p99: number; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: calls }, async (_unused, index) => {
      const started = performance.now();
      const status = await got
        .get(`${urls[index % urls.length]}/api/databases`, {
          headers: { cookie, accept: 'application/json' },
          throwHttpErrors: false,
          retry: { limit: 0 },
          timeout: { request: 60_000 },
        })
        .then(
          (response) => response.statusCode,
          () => 0,
        );
      latencies.push(performance.now() - started);
      if (status !== 200) failed += 1;
    }),
  );
  return { p99: percentile(latencies, 0.99), failed };
}

/**
 * `calls` concurrent API calls just after the access token entered the
 * refresh margin: the mock issues it for 62 s (the integration refreshes 60 s
 * before expiry), then tokens for an hour again, so that the refreshed token
 * is fresh for the whole burst. The integration processes keep their own clock.
 */
async function singleFlight(
  urls: () => Promise<string[]>,
  system: Awaited<ReturnType<typeof startSystem>>,
  calls: number,
) {
  system.mock.setLifetimes({ accessToken: 62 });
  const jar = await connectThroughIntegration(system.integration.url, system.mock.issuer, 'bench');
  system.mock.setLifetimes({ accessToken: 3600 });
  const cookie = await jar.getCookieString(system.integration.url);
  const targets = await urls();
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const before = system.mock.requests.to('token').length;
  const outcome = await burst(targets, cookie, calls);
  const refreshRequests = system.mock.requests
    .to('token')
    .slice(before)
    .filter((request) => request.params.grant_type === 'refresh_token').length;
  return { refreshRequests, ...outcome };
}

/**
 * B3 opens a connection per call: the integration's cap on connections
 * (SERVER_MAX_CONNECTIONS, 1000) is not what it measures.
 */
const uncapped = { SERVER_MAX_CONNECTIONS: '5000' };

async function b3(): Promise<void> {
  noteLoad();
  const calls = 1000;
  const system = await startSystem(uncapped);
  let oneInstance: Awaited<ReturnType<typeof singleFlight>>;
  try {
    oneInstance = await singleFlight(async () => [system.integration.url], system, calls);
  } finally {
    await system.close();
  }
  row(
    'B3',
    `${calls} concurrent calls, token due for refresh, one instance`,
    String(oneInstance.refreshRequests),
    `refresh requests (must be 1); p99 ${oneInstance.p99.toFixed(0)} ms`,
    `${oneInstance.failed} failed`,
  );
  results.b3 = { calls, oneInstance };

  if (!process.env.MYSQL_URL) {
    row('B3', 'two instances on MySQL', '-', 'skipped: set MYSQL_URL', '');
    return;
  }
  const database = await ThrowawayDatabase.create('bench');
  try {
    const mysqlSystem = await startSystem({ ...uncapped, MYSQL_URL: database.url });
    const second = await startSecondInstance(mysqlSystem);
    try {
      const twoInstances = await singleFlight(
        async () => [mysqlSystem.integration.url, second.url],
        mysqlSystem,
        calls,
      );
      row(
        'B3',
        `${calls} concurrent calls, token due for refresh, two instances on MySQL`,
        String(twoInstances.refreshRequests),
        `refresh requests (must be 1); p99 ${twoInstances.p99.toFixed(0)} ms`,
        `${twoInstances.failed} failed`,
      );
      results.b3 = { calls, oneInstance, twoInstances };
    } finally {
      await second.close();
      await mysqlSystem.close();
    }
  } finally {
    await database.drop();
    await closeAdminPool();
  }
}

async function b4(): Promise<void> {
  noteLoad();
  const script = compiledScript(join(__dirname, 'memory.ts'));
  type Memory = {
    store: string;
    connections: number;
    rssBeforeMiB: number;
    rssAfterMiB: number;
    heapGrowthMiB: number;
  };
  const measure = (mysqlUrl?: string) =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', script], {
        env: { PATH: process.env.PATH, ...(mysqlUrl ? { MYSQL_URL: mysqlUrl } : {}) },
      }).toString(),
    ) as Memory;
  const stores: Array<{ name: string; url?: string; drop?: () => Promise<void> }> = [{ name: 'memory' }];
  if (process.env.MYSQL_URL) {
    const database = await ThrowawayDatabase.create('bench');
    stores.push({ name: 'mysql', url: database.url, drop: () => database.drop() });
  }
  const measured: Record<string, Memory[]> = {};
  try {
    for (let run = 0; run < runs; run += 1)
      for (const store of stores) (measured[store.name] ??= []).push(measure(store.url));
  } finally {
    for (const store of stores) await store.drop?.();
    await closeAdminPool();
  }
  for (const [store, all] of Object.entries(measured)) {
    const after = spread(all.map((m) => m.rssAfterMiB));
    const before = spread(all.map((m) => m.rssBeforeMiB));
    const verdict = store === 'memory' ? (after.median <= 120 ? 'target <= 120: met' : 'target <= 120: MISSED') : '';
    const tenths = (value: number) => value.toFixed(1);
    row(
      'B4',
      `RSS MiB with ${all[0]?.connections} stored connections, ${store} store (compiled)`,
      `${tenths(after.median)} (${tenths(after.min)}-${tenths(after.max)})`,
      `${tenths(before.median)} with none; ${verdict}`,
      `heap +${spread(all.map((m) => m.heapGrowthMiB)).median.toFixed(1)} MiB`,
    );
  }
  results.b4 = measured;
}

/** What a timed command did: its wall time, its exit status and output, and the machine's load while it ran. */
interface TimedRun {
  readonly seconds: number;
  readonly status: number | null;
  readonly output: string;
  /** The 1-minute load average when it started, and its mean and maximum over samples every 5 s while it ran. */
  readonly load: { readonly start: number; readonly mean: number; readonly max: number };
}

const loadNow = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

/** Run `command` in the project (its output kept, and passed through when BENCH_VERBOSE is set), timed. */
async function timed(
  command: string,
  args: readonly string[],
  environment: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<TimedRun> {
  const samples = [loadNow()];
  const sampler = setInterval(() => samples.push(loadNow()), 5000);
  const started = performance.now();
  const child = spawn(command, args, { cwd: root, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (process.env.BENCH_VERBOSE) process.stderr.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  const [status] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const mean = samples.reduce((sum, one) => sum + one, 0) / samples.length;
  return { seconds, status, output, load: { start: samples[0] ?? 0, mean, max: Math.max(...samples) } };
}

const loadCell = (run: TimedRun) =>
  `load ${run.load.start.toFixed(1)} at start, ${run.load.mean.toFixed(1)} mean, ${run.load.max.toFixed(1)} max`;

/** The scenarios a JUnit report counts (tests="N" of its first suite), and how many failed or errored. */
function junitCounts(file: string): { scenarios: number; failed: number } | undefined {
  if (!existsSync(file)) return undefined;
  const head = readFileSync(file, 'utf8').slice(0, 2000);
  const count = (name: string) => Number(new RegExp(`${name}="(\\d+)"`).exec(head)?.[1] ?? 0);
  return { scenarios: count('tests'), failed: count('failures') + count('errors') };
}

/** .ci/test's "Profiles run:" line: each profile's scenarios and wall time. */
function profilesRun(output: string): Array<{ profile: string; scenarios: number; seconds: number }> {
  const line = /^Profiles run: (.*)$/m.exec(output)?.[1] ?? '';
  return [...line.matchAll(/([^;:]+): (\d+) scenarios in (\d+) s/g)].map((match) => ({
    profile: (match[1] as string).trim(),
    scenarios: Number(match[2]),
    seconds: Number(match[3]),
  }));
}

/**
 * B5a: `npx cucumber-js`, the command QA type first (the default profile:
 * memory store, in parallel). Its scenarios from its JUnit report
 * (reports/ad-hoc/junit.xml). BENCH_B5A_ARGS narrows it (a feature, tags),
 * to try the row on a short run.
 */
async function b5a(): Promise<void> {
  noteLoad();
  const report = join(root, 'reports', 'ad-hoc', 'junit.xml');
  rmSync(report, { force: true });
  const narrowed = process.env.BENCH_B5A_ARGS?.split(' ').filter(Boolean) ?? [];
  const environment = { ...process.env };
  delete environment.MYSQL_URL;
  const run = await timed('npx', ['cucumber-js', ...narrowed], environment, 1_800_000);
  const counts = junitCounts(report);
  results.b5a = { command: ['npx cucumber-js', ...narrowed].join(' '), ...run, output: undefined, counts, target: 30 };
  row(
    'B5a',
    `npx cucumber-js${narrowed.length ? ` ${narrowed.join(' ')}` : ''} (${counts?.scenarios ?? '?'} scenarios), s`,
    run.seconds,
    run.seconds <= 30 ? 'target <= 30 s: met' : 'target <= 30 s: MISSED',
    run.status === 0 ? 'passed' : `FAILED (${counts?.failed ?? '?'} failed)`,
  );
  row('B5a', '  load average during the run', loadCell(run), '', '');
}

/**
 * B5b: `npm test` (.ci/test) with MYSQL_URL: every profile under c8, both
 * stores. Its scenarios and each profile's time from .ci/test's own
 * "Profiles run:" line. Skipped without MYSQL_URL (the row is about both
 * stores). It rewrites coverage/ and reports/.
 */
async function b5b(): Promise<void> {
  noteLoad();
  if (!process.env.MYSQL_URL) {
    row('B5b', 'npm test with MYSQL_URL', '-', 'skipped: set MYSQL_URL', '');
    return;
  }
  const run = await timed('bash', ['.ci/test'], { ...process.env }, 3_600_000);
  const profiles = profilesRun(run.output);
  const scenarios = profiles.reduce((sum, profile) => sum + profile.scenarios, 0);
  results.b5b = { ...run, output: undefined, profiles, scenarios, target: 240 };
  row(
    'B5b',
    `npm test with MYSQL_URL (${scenarios} scenarios, under c8), s`,
    run.seconds,
    run.seconds <= 240 ? 'target <= 4 min: met' : 'target <= 4 min: MISSED',
    run.status === 0 ? 'passed' : 'FAILED',
  );
  for (const profile of profiles)
    row('B5b', `  ${profile.profile} (${profile.scenarios} scenarios), s`, profile.seconds, '', '');
  row('B5b', '  load average during the run', loadCell(run), '', '');
  if (run.status !== 0) process.stderr.write(`npm test failed; its last lines:\n${run.output.slice(-3000)}\n`);
}

/**
 * B5c: `.ci/run`, the whole CI (opt-in: `npm run bench -- b5c`, 20 minutes
 * or more; it runs `npm ci` first, so not while others use the tree). Its
 * stages, their wall times and scenario counts, and its total are .ci/run's
 * own, from the summary it prints at its end (ciSummary); the bench adds its
 * own wall time and the load during the run.
 */
async function b5c(): Promise<void> {
  noteLoad();
  const run = await timed('bash', ['.ci/run'], { ...process.env }, 7_200_000);
  const summary = ciSummary(run.output);
  results.b5c = { ...run, output: undefined, summary, target: 1200 };
  row(
    'B5c',
    `.ci/run (${summary.scenarios} scenarios in its stages), s`,
    run.seconds,
    run.seconds <= 1200 ? 'target <= 20 min: met' : 'target <= 20 min: MISSED',
    run.status === 0 ? 'passed' : 'FAILED',
  );
  for (const stage of summary.stages)
    row(
      'B5c',
      `  ${stage.name}${stage.scenarios === undefined ? '' : ` (${stage.scenarios} scenarios)`}, s`,
      stage.seconds,
      stage.detail,
      '',
    );
  if (summary.totalSeconds !== undefined) row('B5c', '  total, as .ci/run printed it, s', summary.totalSeconds, '', '');
  row('B5c', '  load average during the run', loadCell(run), '', '');
  if (run.status !== 0) process.stderr.write(`.ci/run failed; its last lines:\n${run.output.slice(-3000)}\n`);
}

/**
 * .ci/run's closing summary ("CI stages (wall time; load average now: ...):",
 * then one line a stage: name, seconds, scenarios as it counted them, then
 * "total"): each stage's name, seconds and the first number of its scenarios
 * column (its count; "-" for none), and the total.
 */
export function ciSummary(output: string): {
  stages: Array<{ name: string; seconds: number; scenarios?: number; detail: string }>;
  scenarios: number;
  totalSeconds?: number;
} {
  const lines = output.split('\n');
  let from = lines.length - 1;
  while (from >= 0 && !(lines[from] as string).startsWith('CI stages')) from -= 1;
  const stages: Array<{ name: string; seconds: number; scenarios?: number; detail: string }> = [];
  let totalSeconds: number | undefined;
  for (const line of from === -1 ? [] : lines.slice(from + 1)) {
    const match = /^ {2}(.+?)\s+(\d+)s(?:\s+(.*))?$/.exec(line);
    if (!match) continue;
    const [, name = '', seconds, detail = ''] = match;
    if (name === 'total') totalSeconds = Number(seconds);
    else {
      const count = /^\d+/.exec(detail.trim())?.[0];
      stages.push({
        name,
        seconds: Number(seconds),
        ...(count ? { scenarios: Number(count) } : {}),
        detail: detail.trim(),
      });
    }
  }
  const scenarios = stages.reduce((sum, stage) => sum + (stage.scenarios ?? 0), 0);
  return { stages, scenarios, ...(totalSeconds === undefined ? {} : { totalSeconds }) };
}

async function b6(profile: boolean): Promise<void> {
  noteLoad();
  // BENCH_B6_BEFORE=<another build's main.js>: its starts taken in turns with these, for a before/after in one run.
  const before = process.env.BENCH_B6_BEFORE;
  const ways: Record<string, readonly string[]> = before
    ? { ...startCommands, before: [before] }
    : { ...startCommands };
  const starts = await coldStarts(ways, Math.max(5, runs));
  const compiled = spread((starts.compiled ?? []).map((start) => start.readyMs));
  const tsNode = spread((starts['ts-node'] ?? []).map((start) => start.readyMs));
  results.b6 = { starts, compiled, tsNode, target: 300 };
  row(
    'B6',
    `cold start to /readyz 200, compiled (dist/main.js), ms, median of ${compiled.values.length}`,
    shown(compiled),
    compiled.median <= 300 ? 'target <= 300 ms: met' : 'target <= 300 ms: MISSED',
    `RSS ${digits(spread((starts.compiled ?? []).map((s) => s.rssMiB)).median)} MiB`,
  );
  row(
    'B6',
    'the same through ts-node (baseline), ms',
    shown(tsNode),
    '',
    `RSS ${digits(spread((starts['ts-node'] ?? []).map((s) => s.rssMiB)).median)} MiB`,
  );
  const cpu = (way: string) => shown(spread((starts[way] ?? []).map((start) => start.cpuMs)));
  if (before) {
    const other = spread((starts.before ?? []).map((start) => start.readyMs));
    (results.b6 as Record<string, unknown>).before = { main: before, readyMs: other };
    row('B6', `the same, another build (${before}), ms`, shown(other), `CPU until ready ${cpu('before')} ms`, '');
  }
  row(
    'B6',
    'CPU used by the process until ready, ms: compiled / ts-node',
    `${cpu('compiled')} / ${cpu('ts-node')}`,
    '',
    '',
  );
  if (profile) {
    // One more compiled start under --cpu-prof (slower than the measured
    // ones: the profiler costs), for where a start goes.
    const profiles = join(__dirname, 'profiles');
    mkdirSync(profiles, { recursive: true });
    const profiled = {
      profiled: [
        '--cpu-prof',
        `--cpu-prof-dir=${profiles}`,
        '--cpu-prof-name=start.cpuprofile',
        ...startCommands.compiled,
      ],
    };
    const [start] = (await coldStarts(profiled, 1)).profiled;
    process.stdout.write(
      `CPU profile of one compiled start (${start?.readyMs.toFixed(0)} ms under the profiler): bench/profiles/start.cpuprofile\n`,
    );
  }
}

function printTable(): void {
  const widths = [4, 72, 22, 40, 12];
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index] ?? 10)).join(' ');
  const loads = (results.machine as { loadAverage: number[] }).loadAverage.map((one) => one.toFixed(1)).join(', ');
  process.stdout.write(
    `\n${line(['', 'measure', 'value (spread)', 'baseline / target', 'notes'])}\n${rows.map(line).join('\n')}\n`,
  );
  process.stdout.write(
    `\nLoad average (1 min) when each measurement started: ${loads} on ${(results.machine as { cpus: string }).cpus} cores.\n`,
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const only = argv.filter((argument) => !argument.startsWith('--'));
  const wanted = (name: string) => only.length === 0 || only.includes(name);
  try {
    if (wanted('b1')) await b1(argv.includes('--cpu-prof'));
    if (wanted('b2')) await b2(argv.includes('--cpu-prof'));
    if (wanted('b3')) await b3();
    if (wanted('b4')) await b4();
    if (wanted('b6')) await b6(argv.includes('--cpu-prof'));
    // B5: the harness's own wall time. `b5` means B5a and B5b; B5c (.ci/run, 20 minutes or more) only when named.
    if (wanted('b5a') || only.includes('b5')) await b5a();
    if (wanted('b5b') || only.includes('b5')) await b5b();
    if (only.includes('b5c')) await b5c();
  } finally {
    // The rows measured so far, even when a later measurement failed.
    printTable();
    // A partial run (`npm run bench -- b1`) updates its own rows and keeps the others.
    const file = join(__dirname, 'results.json');
    const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
    writeFileSync(file, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
  }
  const singleFlight = results.b3 as
    { oneInstance: { refreshRequests: number }; twoInstances?: { refreshRequests: number } } | undefined;
  if (
    singleFlight &&
    [singleFlight.oneInstance, singleFlight.twoInstances].some((run) => run && run.refreshRequests !== 1)
  ) {
    process.stderr.write('B3 FAILED: concurrent calls made more than one refresh request.\n');
    process.exitCode = 1;
  }
  process.stdout.write('Written to bench/results.json\n');
}

if (require.main === module)
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error: unknown) => {
      process.stderr.write(`The benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
