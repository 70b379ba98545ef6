// The two compiled trees, both by `tsc` with source maps (so that stack traces
// and coverage lead back to the .ts sources), each rebuilt only when one of
// its sources changed:
//
// - dist/: the production build of src/ (`tsc -p tsconfig.build.json`), as
//   operators run it: `node dist/main.js`. `npm run build` runs this file;
//   `npm run start:integration` calls `buildIfStale()` first.
// - build/: the harness (`tsc -p tsconfig.harness.json`): src/,
//   mock-provider/, steps/ and testkit/ mirrored (build/steps/*_steps.js, ...),
//   incremental, what cucumber loads and what the @process scenarios spawn
//   (the integration as build/src/main.js: the same tsc output of src/ as
//   dist/main.js, so that a change to src/ is compiled once, not twice).
//   cucumber.cjs calls `buildIfStale('harness')` before anything, so that no
//   TypeScript compiler runs in a test worker.
//
// Plain JavaScript on purpose: it runs before anything is compiled, with no
// TypeScript loader in the process.
'use strict';
const { spawnSync } = require('node:child_process');
const {
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const harness = join(root, 'build');
const lock = join(root, '.build.lock');

/**
 * What each tree is built from. `clean`: emptied before each build (dist/,
 * what ships); otherwise incremental, and what a removed source left behind
 * is pruned after the build (so that a deleted step file never loads).
 */
const targets = {
  dist: {
    directory: dist,
    name: 'dist/',
    tsconfig: 'tsconfig.build.json',
    sources: ['src'],
    entry: join(dist, 'main.js'),
    clean: true,
  },
  harness: {
    directory: harness,
    name: 'build/',
    tsconfig: 'tsconfig.harness.json',
    // dev/demo.ts too: the demo's scenarios start it as `npm start` does, compiled (features/demo.feature).
    sources: ['src', 'mock-provider', 'steps', 'testkit', 'dev/demo.ts'],
    entry: join(harness, 'steps', 'support', 'hooks.js'),
    clean: false,
  },
};

const targetOf = (name) => {
  const target = targets[name];
  if (!target) throw new Error(`no build target ${name}: one of ${Object.keys(targets).join(', ')}`);
  return target;
};
/** Written when a build succeeded, dated when that build started: older than any source it did not see. */
const stampOf = (target) => join(target.directory, '.built');
const inputsOf = (target) => [...target.sources, 'tsconfig.json', target.tsconfig].map((path) => join(root, path));

/**
 * The newest change among a build's inputs (a directory's own time counts: it changes when a file is added or removed).
 */
function newestInput(target) {
  let newest = 0;
  const visit = (path) => {
    const stats = statSync(path);
    newest = Math.max(newest, stats.mtimeMs);
    if (stats.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const input of inputsOf(target)) if (existsSync(input)) visit(input);
  return newest;
}

/** Missing, or older than a source: the reason, or undefined when the tree is current. */
function staleness(name = 'dist') {
  const target = targetOf(name);
  const stamp = stampOf(target);
  if (!existsSync(stamp)) return `${target.name} has no complete build`;
  return newestInput(target) > statSync(stamp).mtimeMs
    ? `${target.sources.map((source) => `${source}/`).join(', ')} changed since the last build`
    : undefined;
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

/** Compiled output whose .ts source is gone (a file removed or renamed since the last build). */
function pruneOrphans(target) {
  const visit = (directory) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) visit(path);
      else {
        const compiled = /\.js(\.map)?$/.exec(entry.name);
        if (!compiled) continue;
        const source = join(root, relative(target.directory, path)).replace(/\.js(\.map)?$/, '.ts');
        if (!existsSync(source)) unlinkSync(path);
      }
    }
  };
  for (const source of target.sources)
    if (existsSync(join(target.directory, source))) visit(join(target.directory, source));
}

/**
 * Compile one tree now; throws with tsc's report when it fails.
 * `strict: false` (the launcher, the harness) accepts type errors when tsc
 * still wrote the JavaScript, as ts-node's transpile-only start did: it
 * says so on stderr. `npm run build` is strict.
 */
function buildNow({ strict = true, target: name = 'dist' } = {}) {
  const target = targetOf(name);
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    throw new Error(
      `${target.name} needs building and TypeScript is not installed: run \`npm ci\` (or \`npm run build\` where it is), then start again.`,
    );
  }
  const started = Date.now();
  const stamp = stampOf(target);
  // Without a complete build to start from (first build, or one killed half-way), start from nothing.
  if (target.clean || !existsSync(stamp)) rmSync(target.directory, { recursive: true, force: true });
  else rmSync(stamp, { force: true });
  // The compiler is no code under test: under c8 its own coverage would only be written, then read and dropped.
  const env = { ...process.env };
  delete env.NODE_V8_COVERAGE;
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, target.tsconfig)], {
    cwd: root,
    encoding: 'utf8',
    env,
  });
  if (run.status !== 0) {
    const emitted = existsSync(target.entry) && /error TS/.test(run.stdout);
    if (strict || !emitted)
      throw new Error(`the build failed (tsc -p ${target.tsconfig}):\n${run.stdout}${run.stderr}`);
    const errors = run.stdout.split('\n').filter((line) => /error TS/.test(line));
    process.stderr.write(
      `${target.name} built with ${errors.length} type error(s), started anyway (npm run typecheck lists them):\n${errors.slice(0, 5).join('\n')}\n`,
    );
  }
  if (!target.clean) pruneOrphans(target);
  writeFileSync(stamp, `built from ${target.sources.join(', ')} as they were at ${new Date(started).toISOString()}\n`);
  utimesSync(stamp, started / 1000, started / 1000);
}

/** Build one tree (dist/ unless named) unless it is current; says so on stderr when it builds. */
function buildIfStale(name = 'dist') {
  if (!staleness(name)) return;
  withLock(() => {
    const reason = staleness(name); // another process may have built it while this one waited
    if (!reason) return;
    const started = Date.now();
    process.stderr.write(`Building ${targetOf(name).name} (${reason})...`);
    buildNow({ strict: false, target: name });
    process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });
}

module.exports = { buildIfStale, buildNow, staleness, dist, harness, root };

if (require.main === module) {
  // `node dev/build.cjs`: dist/, strictly (npm run build). `--harness`: the harness's tree, only when stale (.ci/test).
  try {
    if (process.argv.includes('--harness')) buildIfStale('harness');
    else {
      withLock(buildNow);
      process.stdout.write('Built dist/ from src/.\n');
    }
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
