/**
 * Where the project is, from wherever this code runs: its .ts sources under
 * ts-node (`npm start`, the bench), or the harness's compiled tree, build/
 * (dev/build.cjs), which mirrors src/, mock-provider/, steps/ and testkit/ one
 * level down and holds nothing else: no features/, no package.json, no .cjs.
 * Code that reads or spawns a file of the project finds it from here, never
 * from its own `__dirname`.
 */
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

/** The tree this code runs from: the project itself under ts-node, build/ when compiled. */
export const codeRoot = join(__dirname, '..');

/** Whether this code is the compiled JavaScript of build/, rather than the .ts sources under ts-node. */
export const compiled = extname(__filename) === '.js';

function nearestPackage(from: string): string {
  for (let directory = from; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json'))) return directory;
    if (dirname(directory) === directory) throw new Error(`no package.json above ${from}`);
  }
}

/** The project's own directory: package.json, features/, dev/*.cjs, the working directory of its scripts. */
export const projectRoot = nearestPackage(codeRoot);

/**
 * Node's arguments that run a script of the project, named by its source
 * (`mock-provider/main.ts`): its compiled JavaScript in this tree when this
 * code is compiled (no TypeScript compiler in the child), else the .ts
 * through ts-node, as its npm script runs it.
 */
export function scriptArguments(source: string): string[] {
  return compiled
    ? [join(codeRoot, source.replace(/\.ts$/, '.js'))]
    : ['--require', 'ts-node/register', join(projectRoot, source)];
}
