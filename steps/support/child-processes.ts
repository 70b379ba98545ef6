/**
 * Scripts of the project run as child processes (as their npm scripts run
 * them): the integration alone, the demo, the mock alone, the CLIs. A
 * scenario's children are stopped when it ends, gracefully, so that their
 * coverage counts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

import type { Environment } from '../../src/config';
import { projectRoot, scriptArguments } from '../../testkit/project-root';

export interface ProcessResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A script of the project in a child process, with only PATH, HOME, the coverage directory and the given variables.
 * It runs compiled, from the harness's tree (dev/build.cjs, built before the run): `src/main.ts` as operators run the
 * integration (`node dist/main.js`: the same tsc output of src/), the mock, the demo and the CLIs likewise.
 */
function spawnScript(script: string, environment: Environment, cwd: string = projectRoot): ChildProcess {
  const inherited = ['PATH', 'NODE_V8_COVERAGE', 'HOME'];
  const env = Object.fromEntries(
    inherited.filter((name) => process.env[name]).map((name) => [name, process.env[name]]),
  );
  return spawn(process.execPath, scriptArguments(script), {
    cwd,
    env: { ...env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export class ChildProcesses {
  /** The long-running children of this scenario (started with `start`). */
  private readonly running: ChildProcess[] = [];

  /** Run a script until it exits (from `cwd`, the project's directory unless given); its output and status. */
  run(script: string, environment: Environment, cwd?: string): Promise<ProcessResult> {
    const child = spawnScript(script, environment, cwd);
    const output = { stdout: '', stderr: '' };
    child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    return new Promise((resolve) => child.on('exit', (status) => resolve({ ...output, status: status ?? -1 })));
  }

  /** Start a script; resolves with its output once it printed `ready`, rejects if it exits first. */
  start(script: string, environment: Environment, ready: string): Promise<string> {
    const child = spawnScript(script, environment);
    this.running.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes(ready)) setTimeout(() => resolve(stdout), 50);
      });
      child.on('exit', (status) => reject(new Error(`${script} exited with ${status}: ${stderr}`)));
    });
  }

  /** Kill every running child at once, as a crash would (no chance to finish anything). */
  crash(): void {
    for (const child of this.running.splice(0)) child.kill('SIGKILL');
  }

  /** SIGTERM, and wait: a child that exits by itself writes its coverage for c8. */
  async stop(): Promise<void> {
    const alive = this.running.splice(0).filter((child) => child.exitCode === null && child.signalCode === null);
    await Promise.all(
      alive.map((child) => {
        child.kill('SIGTERM');
        return Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 5000))]);
      }),
    );
  }
}
