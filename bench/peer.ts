/**
 * The peer of B1 and B2: the example integration (examples/openid-client,
 * on openid-client 6, a remote-contract integration) doing the same work as
 * ours, against a mock provider of its own (the same code and vendor data as
 * ours talks to, in a process of its own: the mock registers one redirect
 * URI per client). As .ci/run starts it, with its settings in the
 * environment, but as plain JavaScript: its files are transpiled by
 * TypeScript into node_modules/.cache/bench/openid-client/, so that no
 * TypeScript loader is measured (bench/compiled-script.ts does the same for
 * the bench's own scripts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';

import { callbackOf, freeLoopbackPort, integrationClient, startMockProcess } from '../testkit/local-system';
import type { MockProcess } from './setup';

const example = join(__dirname, '..', 'examples', 'openid-client');
const output = join(__dirname, '..', 'node_modules', '.cache', 'bench', 'openid-client');

/** The example's own files (not its seeded defects) as CommonJS; the path of its main.js. */
export function compiledExample(): string {
  mkdirSync(output, { recursive: true });
  for (const name of readdirSync(example).filter((file) => file.endsWith('.ts'))) {
    const source = join(example, name);
    const { outputText } = transpileModule(readFileSync(source, 'utf8'), {
      fileName: source,
      compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true },
    });
    writeFileSync(join(output, name.replace(/\.ts$/, '.js')), outputText);
  }
  return join(output, 'main.js');
}

export interface PeerSystem {
  readonly mock: MockProcess;
  readonly url: string;
  readonly pid: number;
  close(): Promise<void>;
}

/**
 * Its mock in a process, then the example in another (`nodeOptions`
 * before its script), ready once /healthz answers 200.
 */
export async function startPeerApart(nodeOptions: readonly string[] = []): Promise<PeerSystem> {
  const main = compiledExample();
  const port = await freeLoopbackPort();
  const mock = await startMockProcess(integrationClient(callbackOf(port)));
  const child = spawn(process.execPath, [...nodeOptions, main], {
    env: {
      PATH: process.env.PATH,
      ISSUER_URL: mock.issuer,
      CLIENT_ID: mock.client.client_id,
      CLIENT_SECRET: mock.client.client_secret,
      REDIRECT_URI: callbackOf(port),
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await mock.close();
  };
  const started = Date.now();
  while (
    (await fetch(`${url}/healthz`).then(
      (response) => response.status,
      () => 0,
    )) !== 200
  ) {
    if (child.exitCode !== null || Date.now() - started > 30_000) {
      await close();
      throw new Error(`the example integration did not start: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { mock, url, pid: child.pid as number, close };
}
