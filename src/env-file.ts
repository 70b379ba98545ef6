/**
 * The `.env` file of a checkout (see `.env.example`), read by the entry
 * points (`npm run start:integration`, `npm run migrate`,
 * `npm run rotate-keys`) before the configuration. The default file is the
 * one at the application's root (the directory of its package.json), never
 * one in whatever directory the process was started from. A variable already
 * set in the environment wins over the file, even when it is set to empty
 * (which the configuration reads as unset): that one is named in a warning,
 * never its value, since it silently hides the file's. `ENV_FILE` names
 * another file (a relative path from the working directory); `ENV_FILE=none`
 * reads none: the local launcher sets that, so a developer's `.env` never
 * leaks into the processes the demo, the bench or the harness start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * The application's root: the nearest directory above this code that holds package.json (src/ or dist/ sit below it).
 */
export function applicationRoot(from: string = __dirname): string {
  for (let directory = from; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json'))) return directory;
    if (dirname(directory) === directory) return from;
  }
}

export interface EnvFileOptions {
  /** Where the default `.env` is looked for; the application's root unless given. */
  readonly root?: string;
  /** The environment the file's variables go into (and whose own values win). */
  readonly environment?: NodeJS.ProcessEnv;
  /** Where a warning line goes: standard error unless given. */
  readonly warn?: (line: string) => void;
}

/** Load the env file into the environment; the path read, or undefined when there was none to read. */
export function loadEnvFile(options: EnvFileOptions = {}): string | undefined {
  const environment = options.environment ?? process.env;
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const named = environment.ENV_FILE;
  if (named === 'none') return undefined;
  const path = named ? resolve(named) : join(options.root ?? applicationRoot(), '.env');
  // The default file is optional; a file named on purpose must exist (reading it throws ENOENT otherwise).
  if (!named && !existsSync(path)) return undefined;
  const variables = parseEnv(readFileSync(path, 'utf8'));
  for (const [name, value] of Object.entries(variables)) {
    const set = environment[name];
    if (set === undefined) environment[name] = value;
    else if (set === '' && value !== '')
      warn(
        `Warning: ${name} is set to empty in the environment, which hides its value in ${path}; unset it to use the file's.`,
      );
  }
  return path;
}
