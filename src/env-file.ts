/**
 * The `.env` file of a checkout (see `.env.example`), read by the entry
 * points (`npm run start:integration`, `npm run migrate`,
 * `npm run rotate-keys`) before the configuration. A variable already set
 * in the environment wins over the file. `ENV_FILE` names another file;
 * `ENV_FILE=none` reads none: the local launcher sets that, so a
 * developer's `.env` never leaks into the processes the demo, the bench or
 * the harness start.
 */
import { existsSync } from 'node:fs';

/** Load the env file into `process.env`; the path read, or undefined when there was none to read. */
export function loadEnvFile(): string | undefined {
  const named = process.env.ENV_FILE;
  if (named === 'none') return undefined;
  const path = named || '.env';
  // The default file is optional; a file named on purpose must exist (process.loadEnvFile throws ENOENT otherwise).
  if (!named && !existsSync(path)) return undefined;
  process.loadEnvFile(path);
  return path;
}
