/**
 * B4, run as plain JavaScript in a process of its own (see
 * compiled-script.ts), on the compiled build: the integration started as
 * `dist/main.js` starts it (store opened from the configuration, HTTP server
 * listening, default metrics on), then its resident memory once its store
 * holds 10,000 connections with tokens sealed as in production. The store is
 * the one the environment names: MYSQL_URL set (a throwaway database the
 * bench made) or not. Prints one JSON line.
 */
import { randomBytes } from 'node:crypto';

import { loadConfig } from '../src/config';
import { generateKeyRingValue } from '../src/crypto/key-ring';
import { sealTokens } from '../src/crypto/sealed-tokens';
import { startIntegration } from '../src/server';
import { openStore } from '../src/store/open-store';

const connections = 10_000;
const mib = (bytes: number) => bytes / 2 ** 20;

async function main(): Promise<void> {
  const config = loadConfig({
    ISSUER_URL: 'http://127.0.0.1:9',
    CLIENT_ID: 'bench',
    CLIENT_SECRET: 'bench',
    REDIRECT_URI: 'http://127.0.0.1:3000/callback',
    TOKEN_ENCRYPTION_KEYS: generateKeyRingValue('k1'),
    SESSION_KEYS: randomBytes(32).toString('base64url'),
    IDENTITY: 'demo',
    PORT: '0',
    LOG_LEVEL: 'warn',
    MYSQL_URL: process.env.MYSQL_URL,
  });
  const { store, limiterFactory } = await openStore(config);
  const running = await startIntegration(config, { store, limiterFactory });
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
      ...sealTokens(running.integration.cipher, userId, {
        accessToken: randomBytes(32).toString('base64url'),
        refreshToken: randomBytes(32).toString('base64url'),
      }),
      accessTokenExpiresAt: now + 3_600_000,
      status: 'connected',
      nonce: randomBytes(32).toString('base64url'),
      connectedAt: now,
    });
  }
  global.gc?.();
  const after = process.memoryUsage();
  const stored = (await store.counts()).connections;
  await running.close();
  process.stdout.write(
    `${JSON.stringify({
      store: config.mysqlUrl ? 'mysql' : 'memory',
      connections: stored,
      rssBeforeMiB: mib(before.rss),
      rssAfterMiB: mib(after.rss),
      heapGrowthMiB: mib(after.heapUsed - before.heapUsed),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
