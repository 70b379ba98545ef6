// The production build: `tsc -p tsconfig.build.json` compiles src/ into dist/
// (JavaScript with source maps, so that stack traces and coverage lead back to
// src/). `npm run build` runs this file; `npm run start:integration` and the
// harness call `buildIfStale()` first. Plain JavaScript on purpose: it runs
// before anything is compiled, with no TypeScript loader in the process.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
/** Written when a build succeeded, dated when that build started: older than any source it did not see. */
const stamp = join(dist, '.built');
const lock = join(root, '.build.lock');
const inputs = [join(root, 'src'), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')];

/** The newest change among the build's inputs (a directory's own time counts: it changes when a file is added or removed). */
function newestInput() {
  let newest = 0;
  const visit = (path) => {
    const stats = statSync(path);
    newest = Math.max(newest, stats.mtimeMs);
    if (stats.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const input of inputs) if (existsSync(input)) visit(input);
  return newest;
}

/** Missing, or older than a source: the reason, or undefined when dist/ is current. */
function staleness() {
  if (!existsSync(stamp)) return 'dist/ has no complete build';
  return newestInput() > statSync(stamp).mtimeMs ? 'src/ changed since the last build' : undefined;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Hold the build lock while `work` runs, so that processes started together build once. */
function withLock(work) {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock left behind by a killed build is taken over after two minutes.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 120_000)
        rmSync(lock, { recursive: true, force: true });
      sleep(100);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Compile src/ into a clean dist/; throws with tsc's report when it fails.
 * `strict: false` (the launcher) accepts type errors when tsc still wrote
 * the JavaScript, as ts-node's transpile-only start did: it says so on
 * stderr. `npm run build` is strict.
 */
function buildNow({ strict = true } = {}) {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    throw new Error(
      'dist/ needs building and TypeScript is not installed: run `npm ci` (or `npm run build` where it is), then start again.',
    );
  }
  const started = Date.now();
  rmSync(dist, { recursive: true, force: true });
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    const emitted = existsSync(join(dist, 'main.js')) && /error TS/.test(run.stdout);
    if (strict || !emitted)
      throw new Error(`the build failed (tsc -p tsconfig.build.json):\n${run.stdout}${run.stderr}`);
    const errors = run.stdout.split('\n').filter((line) => /error TS/.test(line));
    process.stderr.write(
      `dist/ built with ${errors.length} type error(s), started anyway (npm run typecheck lists them):\n${errors.slice(0, 5).join('\n')}\n`,
    );
  }
  writeFileSync(stamp, `built from src/ as it was at ${new Date(started).toISOString()}\n`);
  utimesSync(stamp, started / 1000, started / 1000);
}

/** Build unless dist/ is current; says so on stderr when it builds. */
function buildIfStale() {
  if (!staleness()) return;
  withLock(() => {
    const reason = staleness(); // another process may have built it while this one waited
    if (!reason) return;
    process.stderr.write(`Building dist/ (${reason})...\n`);
    buildNow({ strict: false });
  });
}

module.exports = { buildIfStale, buildNow, staleness, dist };

if (require.main === module) {
  try {
    withLock(buildNow);
    process.stdout.write('Built dist/ from src/.\n');
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
