/**
 * B4, run as its own process: the integration's resident memory with
 * 10,000 stored connections (tokens sealed as in production), for the store
 * named on the command line: `memory`, or `mysql` (MYSQL_URL).
 */
import { randomBytes } from 'node:crypto';
import { createIntegration } from '../src/app';
import { loadConfig } from '../src/config';
import { tokenContext } from '../src/connection';
import { generateKeyRingValue } from '../src/crypto/key-ring';
import { createLogger } from '../src/observability/logger';
import { MemoryStore } from '../src/store/memory-store';
import { MySqlStore } from '../src/store/mysql/mysql-store';
import type { Store } from '../src/store/store';
import { closeAdminPool, ThrowawayDatabase } from '../dev/throwaway-database';

const connections = 10_000;

async function main(): Promise<void> {
  const kind = process.argv[2] === 'mysql' ? 'mysql' : 'memory';
  let store: Store = new MemoryStore();
  let drop: () => Promise<void> = async () => undefined;
  if (kind === 'mysql') {
    const database = await ThrowawayDatabase.create('bench');
    store = new MySqlStore(database.url);
    drop = async () => {
      await database.drop();
      await closeAdminPool();
    };
  }
  const config = loadConfig({
    ISSUER_URL: 'http://127.0.0.1:9',
    CLIENT_ID: 'bench',
    CLIENT_SECRET: 'bench',
    REDIRECT_URI: 'http://127.0.0.1:3000/callback',
    TOKEN_ENCRYPTION_KEYS: generateKeyRingValue('k1'),
    SESSION_KEYS: randomBytes(32).toString('base64url'),
  });
  const integration = createIntegration(config, { store, logger: createLogger('silent'), defaultMetrics: false });
  global.gc?.();
  const before = process.memoryUsage();
  const now = Date.now();
  for (let index = 0; index < connections; index += 1) {
    const userId = `user${index}`;
    await store.saveConnection({
      userId,
      version: 1,
      issuer: config.issuer,
      subject: `acct_${index}`,
      accountName: `User ${index}`,
      scopes: ['openid', 'profile', 'offline_access', 'databases:read'],
      sealedAccessToken: integration.cipher.encrypt(randomBytes(32).toString('base64url'), tokenContext(userId, 'access_token')),
      sealedRefreshToken: integration.cipher.encrypt(randomBytes(32).toString('base64url'), tokenContext(userId, 'refresh_token')),
      accessTokenExpiresAt: now + 3_600_000,
      status: 'connected',
      nonce: randomBytes(32).toString('base64url'),
      connectedAt: now,
    });
  }
  global.gc?.();
  const after = process.memoryUsage();
  const stored = (await store.counts()).connections;
  await store.close();
  await drop();
  const mib = (bytes: number) => bytes / 2 ** 20;
  process.stdout.write(
    `${JSON.stringify({ store: kind, connections: stored, rssBeforeMiB: mib(before.rss), rssAfterMiB: mib(after.rss), heapGrowthMiB: mib(after.heapUsed - before.heapUsed) })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
