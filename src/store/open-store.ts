/**
 * The store the configuration asks for: MySQL when `MYSQL_URL` is set (its
 * server must answer and its schema must be current), the embedded
 * in-memory store otherwise.
 */
import type { Config } from '../config';
import type { LimiterFactory } from '../http/rate-limits';
import { MemoryStore } from './memory-store';
import { describeMysqlUrl } from './mysql/mysql-url';
import type { Store } from './store';

export interface OpenedStore {
  readonly store: Store;
  /** Where the rate limiter keeps its counters: the same database, when there is one. */
  readonly limiterFactory?: LimiterFactory;
  readonly description: string;
}

export async function openStore(config: Config, now: () => number = Date.now): Promise<OpenedStore> {
  if (!config.mysqlUrl) return { store: new MemoryStore(now), description: 'the embedded in-memory store' };
  // Loaded only when asked for: mysql2 adds about 15 MiB and tens of milliseconds to a start that does not use it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MySqlStore } = require('./mysql/mysql-store') as typeof import('./mysql/mysql-store');
  const store = new MySqlStore(config.mysqlUrl, now);
  const where = describeMysqlUrl(config.mysqlUrl);
  try {
    await store.open();
  } catch (error) {
    await store.close();
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new Error(`MySQL at ${where} cannot be used: ${reason}`);
  }
  return { store, limiterFactory: store.limiterFactory(), description: `MySQL at ${where}` };
}
