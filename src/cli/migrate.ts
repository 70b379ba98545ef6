/**
 * `npm run migrate`: bring the MySQL schema of `MYSQL_URL` up to date.
 */
import { createPool } from 'mysql2/promise';

import { loadEnvFile } from '../env-file';
import { latestVersion, migrate } from '../store/mysql/migrations';
import { describeMysqlUrl } from '../store/mysql/mysql-url';

async function main(): Promise<void> {
  loadEnvFile();
  const url = process.env.MYSQL_URL;
  if (!url)
    throw new Error(
      'MYSQL_URL is required (e.g. mysql://root@127.0.0.1:3306/test); the in-memory store needs no migration.',
    );
  const pool = createPool({ uri: url, connectionLimit: 1, connectTimeout: 5000 });
  try {
    const applied = await migrate(pool);
    process.stdout.write(
      applied.length
        ? `Migrated MySQL at ${describeMysqlUrl(url)} to version ${latestVersion} (applied ${applied.join(', ')}).\n`
        : `MySQL at ${describeMysqlUrl(url)} is already at version ${latestVersion}.\n`,
    );
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  const { code, message } = error as { code?: string; message?: string };
  process.stderr.write(`Migration failed: ${code ?? message ?? String(error)}\n`);
  process.exit(1);
});
