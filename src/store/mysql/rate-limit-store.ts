/**
 * Rate-limit counters in the store's database (rate-limiter-flexible's
 * RateLimiterMySQL on the `rate_limits` table of the migrations), shared by
 * every instance. While the database is away, each instance counts in its
 * own memory instead (the insurance limiter), so a lost database is
 * reported as `store_unavailable` by the store, not by the limiter.
 */
import type { Pool } from 'mysql2/promise';
import { RateLimiterMemory, RateLimiterMySQL } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../../http/rate-limits';

export function mysqlLimiterFactory(pool: Pool, database: string): LimiterFactory {
  return (options) =>
    new RateLimiterMySQL({
      ...options,
      storeClient: pool.pool,
      storeType: 'pool',
      dbName: database,
      tableName: 'rate_limits',
      tableCreated: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
}
