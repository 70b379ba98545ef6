/**
 * Rate-limit counters in the store's database (rate-limiter-flexible's
 * RateLimiterMySQL on the `rate_limits` table of the migrations), shared by
 * every instance. While the database is away, each instance counts in its
 * own memory instead (the insurance limiter), so a lost database is
 * reported as `store_unavailable` by the store, not by the limiter.
 *
 * A count is the library's own transaction (BEGIN, the upsert, the read of
 * the row, COMMIT), sent as one multi-statement query: one round trip
 * instead of four, and the row lock held for one server-side run instead
 * of across three round trips. Every request of a limited route counts one
 * or two of them (contract 7), so the round trips were most of a request's
 * store time. The statements and their results are the library's; only
 * their transport changed.
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { RateLimiterMemory, RateLimiterMySQL } from 'rate-limiter-flexible';

import type { LimiterFactory } from '../../http/rate-limits';

const table = 'rate_limits';

/**
 * RateLimiterMySQL whose upsert transaction takes one round trip (a pool whose connections allow several statements).
 */
class OneTripRateLimiterMySQL extends RateLimiterMySQL {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMySQL>[0],
    private readonly statements: Pool,
    private readonly database: string,
  ) {
    super(options);
  }

  /**
   * The library's `_upsert` (RateLimiterStoreAbstract): add `points` to the
   * key's counter, or start a new window when it expired (or `forceExpire`);
   * resolves the row as read back inside the same transaction.
   */
  async _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<RowDataPacket[]> {
    const now = Date.now();
    const newExpire = msDuration > 0 ? now + msDuration : null;
    const [upsert, values] = forceExpire
      ? ['ON DUPLICATE KEY UPDATE points = ?, expire = ?', [points, newExpire]]
      : [
          'ON DUPLICATE KEY UPDATE points = IF(expire <= ?, ?, points + (?)), expire = IF(expire <= ?, ?, expire)',
          [now, points, points, now, newExpire],
        ];
    const connection = await this.statements.getConnection();
    try {
      const [results] = await connection.query<RowDataPacket[][]>(
        `BEGIN; INSERT INTO ??.?? (\`key\`, points, expire) VALUES (?, ?, ?) ${upsert}; ` +
          'SELECT points, expire FROM ??.?? WHERE `key` = ?; COMMIT',
        [this.database, table, key, points, newExpire, ...values, this.database, table, key],
      );
      return results[2] as RowDataPacket[];
    } catch (error) {
      // A statement refused stops the rest: the transaction it began is rolled back before the connection goes back.
      await connection.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }
}

/**
 * Limiters on `pool`, a pool of this database whose connections allow
 * multiple statements: it runs only the fixed statements of this file and
 * of the library, their values escaped by the driver.
 */
export function mysqlLimiterFactory(pool: Pool, database: string): LimiterFactory {
  return (options) =>
    new OneTripRateLimiterMySQL(
      {
        ...options,
        storeClient: pool.pool,
        storeType: 'pool',
        dbName: database,
        tableName: table,
        tableCreated: true,
        insuranceLimiter: new RateLimiterMemory(options),
      },
      pool,
      database,
    );
}
