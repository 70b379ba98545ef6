/**
 * `npm run rotate-keys`: re-encrypt every token stored in `MYSQL_URL` with
 * the newest key of `TOKEN_ENCRYPTION_KEYS`, and say how many. Safe while
 * the integration runs: it reads with any key of the ring, and each row is
 * rewritten with a version check.
 */
import { parseKeyRing } from '../crypto/key-ring';
import { rotateKeys } from '../crypto/key-rotation';
import { loadEnvFile } from '../env-file';
import { MySqlStore } from '../store/mysql/mysql-store';
import { describeMysqlUrl } from '../store/mysql/mysql-url';

async function main(): Promise<void> {
  loadEnvFile();
  const url = process.env.MYSQL_URL;
  if (!url)
    throw new Error(
      'MYSQL_URL is required: the in-memory store lives inside its integration process, where tokens are re-sealed with the newest key at their next refresh.',
    );
  const ring = parseKeyRing(process.env.TOKEN_ENCRYPTION_KEYS ?? '');
  if (typeof ring === 'string') throw new Error(`TOKEN_ENCRYPTION_KEYS: ${ring}`);
  const store = new MySqlStore(url);
  try {
    await store.open();
    const report = await rotateKeys(store, ring);
    process.stdout.write(
      `Re-encrypted with key "${ring.current}" in MySQL at ${describeMysqlUrl(url)}: ${report.connections} connection(s), ${report.revocations} queued revocation(s).\n`,
    );
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  const { code, message } = error as { code?: string; message?: string };
  process.stderr.write(`Key rotation failed: ${message ?? code ?? String(error)}\n`);
  process.exit(1);
});
