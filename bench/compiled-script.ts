/**
 * A bench script run as plain JavaScript in a process of its own, with no
 * TypeScript loader in it (whose compiler would add tens of MiB and its own
 * CPU to what is measured): the script is transpiled by TypeScript into
 * node_modules/.cache/bench/, and its imports of `../src/...` point at the
 * compiled build in dist/ (built first if stale), the code operators run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';

import { buildIfStale, dist } from '../dev/build.cjs';

const cache = join(__dirname, '..', 'node_modules', '.cache', 'bench');

/** The path of `script` (a file of bench/ importing only packages and ../src/) compiled to JavaScript. */
export function compiledScript(script: string): string {
  buildIfStale();
  const { outputText: code } = transpileModule(readFileSync(script, 'utf8'), {
    fileName: script,
    compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true },
  });
  const imports = code.replace(
    /require\("\.\.\/src\/([^"]+)"\)/g,
    (_whole, path: string) => `require(${JSON.stringify(join(dist, path))})`,
  );
  if (/require\("\.\.?\//.test(imports)) throw new Error(`${script} may import only packages and ../src/`);
  mkdirSync(cache, { recursive: true });
  const output = join(cache, basename(script).replace(/\.ts$/, '.js'));
  writeFileSync(output, imports);
  return output;
}
