/**
 * B6, cold start: from spawning the integration's process to its first
 * `GET /readyz` answering 200 (discovery fetched, store answering), against
 * the mock in this process. Each way of starting it is started `runs` times,
 * the ways taking turns, so that both see the same machine.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { buildIfStale } from '../dev/build.cjs';
import { startMockProvider } from '../mock-provider';
import { callbackOf, freeLoopbackPort, integrationClient, integrationEnvironment } from '../testkit/local-system';

const root = join(__dirname, '..');

export interface ColdStart {
  /** From spawn to the first 200 of /readyz. */
  readonly readyMs: number;
  /** Resident memory when it first answered ready. */
  readonly rssMiB: number;
  /**
   * CPU time (user + system) the process had used when it first
   * answered ready: steadier than readyMs on a busy machine.
   */
  readonly cpuMs: number;
}

/**
 * The ways compared: the compiled build as operators run it, and through ts-node as it ran before the build existed.
 */
export const startCommands = {
  compiled: [join(root, 'dist', 'main.js')],
  'ts-node': ['--require', 'ts-node/register', join(root, 'src', 'main.ts')],
} as const;

/** One start: spawn, poll /readyz every 5 ms until 200, read the RSS, stop. */
async function startOnce(
  command: readonly string[],
  environment: Record<string, string | undefined>,
  url: string,
): Promise<ColdStart> {
  const started = performance.now();
  const child = spawn(process.execPath, command, {
    cwd: root,
    env: { PATH: process.env.PATH, ...environment },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}: ${stderr}`);
    if (
      (await fetch(`${url}/readyz`).then(
        (response) => response.status,
        () => 0,
      )) === 200
    )
      break;
    if (performance.now() - started > 30_000)
      throw new Error(`${command.join(' ')} was not ready after 30 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const readyMs = performance.now() - started;
  const rssMiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;
  // utime and stime, in clock ticks of 10 ms (fields 14 and 15 of /proc/<pid>/stat).
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
  child.kill('SIGTERM');
  await once(child, 'exit');
  return { readyMs, rssMiB, cpuMs };
}

/** `runs` cold starts of each way, taking turns. */
export async function coldStarts<Way extends string>(
  ways: Record<Way, readonly string[]>,
  runs: number,
): Promise<Record<Way, ColdStart[]>> {
  buildIfStale();
  const port = await freeLoopbackPort();
  const mock = await startMockProvider({ client: integrationClient(callbackOf(port)) });
  const environment = integrationEnvironment(mock, { LOG_LEVEL: 'warn' });
  const results = Object.fromEntries(Object.keys(ways).map((way) => [way, [] as ColdStart[]])) as Record<
    Way,
    ColdStart[]
  >;
  try {
    for (let run = 0; run < runs; run += 1) {
      for (const way of Object.keys(ways) as Way[])
        results[way].push(await startOnce(ways[way], environment, `http://127.0.0.1:${port}`));
    }
  } finally {
    await mock.close();
  }
  return results;
}
