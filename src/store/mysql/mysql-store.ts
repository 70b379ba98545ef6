/**
 * The MySQL store (mysql2, a connection pool): durable, and shared by every
 * instance of the integration. Single-row changes are single statements;
 * every multi-row change is a transaction. A lost or unreachable server is
 * `store_unavailable` (503), and the pool reconnects by itself when the
 * server is back. Cross-instance work on one connection (a refresh) is
 * serialized with `GET_LOCK`.
 */
import { createHash } from 'node:crypto';

import { createPool, type Pool, type PoolConnection, type ResultSetHeader } from 'mysql2/promise';

import { IntegrationError } from '../../errors';
import type { LimiterFactory } from '../../http/rate-limits';
import {
  type Connection,
  type PendingAuthorization,
  type PendingRevocation,
  type Session,
  sessionSweepLimit,
  type Store,
  type StoreCounts,
} from '../store';
import { checkSchema } from './migrations';
import { mysqlLimiterFactory } from './rate-limit-store';
import { connections, pendingAuthorizations, pendingRevocations, type Row, sessions } from './tables';
import { unlessUnavailable } from './unavailable';

/** The connection columns a write sets: all but the key. */
const connectionFields = connections.except('userId');
/** The revocation columns a retry changes. */
const revocationRetryFields = pendingRevocations.names(['sealedToken', 'attempts', 'notBefore', 'lastError']);

export class MySqlStore implements Store {
  readonly pool: Pool;
  /**
   * Connections that hold a `GET_LOCK` while a refresh runs. Kept apart from
   * `pool`, so that refreshes holding locks never take the connections their
   * own queries need.
   */
  private readonly lockPool: Pool;
  /**
   * The rate-limit counters' connections: they allow multiple statements, so
   * that a count's transaction takes one round trip (./rate-limit-store.ts).
   * Kept apart from `pool`, whose statements never need that.
   */
  private readonly rateLimitPool: Pool;
  private readonly database: string;

  constructor(
    readonly url: string,
    private readonly now: () => number = Date.now,
    options: { connectionLimit?: number } = {},
  ) {
    this.pool = createPool({
      uri: url,
      connectionLimit: options.connectionLimit ?? 10,
      connectTimeout: 5000,
      supportBigNumbers: true,
      enableKeepAlive: true,
    });
    this.lockPool = createPool({
      uri: url,
      connectionLimit: options.connectionLimit ?? 10,
      connectTimeout: 5000,
      enableKeepAlive: true,
    });
    this.rateLimitPool = createPool({
      uri: url,
      connectionLimit: options.connectionLimit ?? 10,
      connectTimeout: 5000,
      enableKeepAlive: true,
      multipleStatements: true,
    });
    this.database = decodeURIComponent(new URL(url).pathname.slice(1));
    // A pooled connection that dies while idle must not crash the process; the next query reconnects.
    for (const pool of [this.pool, this.lockPool, this.rateLimitPool])
      pool.on('connection', (connection) => connection.on('error', () => undefined));
  }

  /** Check that the server answers and the schema is the one this integration knows. */
  async open(): Promise<void> {
    await checkSchema(this.pool);
  }

  /** Run a statement; a lost server becomes `store_unavailable`. */
  private run<T>(work: () => Promise<T>): Promise<T> {
    return unlessUnavailable(work);
  }

  private async rows(sql: string, values: unknown[] = []): Promise<Row[]> {
    return this.run(async () => (await this.pool.query<Row[]>(sql, values))[0]);
  }

  private async execute(sql: string, values: unknown[] = []): Promise<ResultSetHeader> {
    return this.run(async () => (await this.pool.query<ResultSetHeader>(sql, values))[0]);
  }

  /** Run `work` in one transaction on one connection: all of it or none. */
  private async transaction<T>(work: (connection: PoolConnection) => Promise<T>): Promise<T> {
    return this.run(async () => {
      const connection = await this.pool.getConnection();
      try {
        await connection.beginTransaction();
        const result = await work(connection);
        await connection.commit();
        return result;
      } catch (error) {
        await connection.rollback().catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    });
  }

  async createSession(session: Session): Promise<void> {
    await this.execute(sessions.insert(), sessions.values(session));
    // Expired sessions are swept as people sign in, a bounded batch at a time.
    await this.execute('DELETE FROM sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?', [
      this.now(),
      sessionSweepLimit,
    ]);
  }

  async findSession(id: string): Promise<Session | undefined> {
    const [row] = await this.rows('SELECT * FROM sessions WHERE id = ? AND expires_at > ?', [id, this.now()]);
    return row && sessions.read(row);
  }

  async deleteSession(id: string): Promise<void> {
    await this.execute('DELETE FROM sessions WHERE id = ?', [id]);
  }

  async savePendingAuthorization(pending: PendingAuthorization): Promise<void> {
    await this.execute(pendingAuthorizations.insert(), pendingAuthorizations.values(pending));
    // Expired ones are kept a day, to tell "expired" from "unknown", then dropped.
    await this.execute('DELETE FROM pending_authorizations WHERE expires_at < ?', [this.now() - 24 * 3600 * 1000]);
  }

  async findPendingAuthorization(state: string): Promise<PendingAuthorization | undefined> {
    const [row] = await this.rows('SELECT * FROM pending_authorizations WHERE state = ?', [state]);
    return row && pendingAuthorizations.read(row);
  }

  async consumePendingAuthorization(state: string, at: number): Promise<boolean> {
    const result = await this.execute(
      'UPDATE pending_authorizations SET used_at = ? WHERE state = ? AND used_at IS NULL',
      [at, state],
    );
    return result.affectedRows === 1;
  }

  async saveConnection(connection: Connection): Promise<void> {
    const updates = connections.names(connectionFields).map((column) => `${column} = VALUES(${column})`);
    await this.execute(
      `${connections.insert()} ON DUPLICATE KEY UPDATE ${updates.join(', ')}`,
      connections.values(connection),
    );
  }

  async findConnection(userId: string): Promise<Connection | undefined> {
    const [row] = await this.rows('SELECT * FROM connections WHERE user_id = ?', [userId]);
    return row && connections.read(row);
  }

  async replaceConnection(
    connection: Connection,
    previousVersion: number | undefined,
    revocations: readonly PendingRevocation[],
  ): Promise<boolean> {
    if (previousVersion !== undefined) return this.updateConnection(connection, previousVersion, revocations);
    return this.transaction(async (target) => {
      try {
        await target.query(connections.insert(), connections.values(connection));
      } catch (error) {
        // Someone else connected this user first: nothing is written.
        if ((error as { code?: unknown }).code === 'ER_DUP_ENTRY') return false;
        throw error;
      }
      for (const revocation of revocations) await this.insertRevocation(target, revocation);
      return true;
    });
  }

  async updateConnection(
    connection: Connection,
    expectedVersion: number,
    revocations: readonly PendingRevocation[] = [],
  ): Promise<boolean> {
    const assignments = connections.names(connectionFields).map((column) => `${column} = ?`);
    const update = async (target: Pick<Pool, 'query'>) => {
      const [result] = await target.query<ResultSetHeader>(
        `UPDATE connections SET ${assignments.join(', ')} WHERE user_id = ? AND version = ?`,
        [...connections.values(connection, connectionFields), connection.userId, expectedVersion],
      );
      return result.affectedRows === 1;
    };
    if (revocations.length === 0) return this.run(() => update(this.pool));
    return this.transaction(async (target) => {
      if (!(await update(target))) return false;
      for (const revocation of revocations) await this.insertRevocation(target, revocation);
      return true;
    });
  }

  async listConnections(): Promise<Connection[]> {
    return (await this.rows('SELECT * FROM connections ORDER BY user_id')).map((row) => connections.read(row));
  }

  async deleteConnection(userId: string, revocations: readonly PendingRevocation[]): Promise<void> {
    await this.transaction(async (connection) => {
      await connection.query('DELETE FROM connections WHERE user_id = ?', [userId]);
      for (const revocation of revocations) await this.insertRevocation(connection, revocation);
    });
  }

  async dueRevocations(now: number, limit: number): Promise<PendingRevocation[]> {
    const rows = await this.rows(
      'SELECT * FROM pending_revocations WHERE not_before <= ? ORDER BY not_before, created_at LIMIT ?',
      [now, limit],
    );
    return rows.map((row) => pendingRevocations.read(row));
  }

  async listRevocations(): Promise<PendingRevocation[]> {
    return (await this.rows('SELECT * FROM pending_revocations ORDER BY created_at')).map((row) =>
      pendingRevocations.read(row),
    );
  }

  async saveRevocation(revocation: PendingRevocation): Promise<void> {
    await this.run(async () => this.insertRevocation(this.pool, revocation));
  }

  private async insertRevocation(target: Pick<Pool, 'query'>, revocation: PendingRevocation): Promise<void> {
    const updates = revocationRetryFields.map((column) => `${column} = VALUES(${column})`);
    await target.query(
      `${pendingRevocations.insert()} ON DUPLICATE KEY UPDATE ${updates.join(', ')}`,
      pendingRevocations.values(revocation),
    );
  }

  async queueRevocations(revocations: readonly PendingRevocation[]): Promise<void> {
    if (revocations.length === 0) return;
    await this.transaction(async (target) => {
      for (const revocation of revocations) await this.insertRevocation(target, revocation);
    });
  }

  async deleteRevocation(id: string): Promise<void> {
    await this.execute('DELETE FROM pending_revocations WHERE id = ?', [id]);
  }

  async counts(): Promise<StoreCounts> {
    const [row] = await this.rows(
      `SELECT (SELECT COUNT(*) FROM sessions) AS sessions, (SELECT COUNT(*) FROM pending_authorizations) AS pending,
              (SELECT COUNT(*) FROM connections) AS connections, (SELECT COUNT(*) FROM pending_revocations) AS revocations`,
    );
    return {
      sessions: Number(row?.sessions),
      pendingAuthorizations: Number(row?.pending),
      connections: Number(row?.connections),
      revocations: Number(row?.revocations),
    };
  }

  /**
   * Hold the database-wide lock of one user's connection while `work` runs:
   * one instance at a time refreshes it. The lock lives on one pooled
   * connection; if this process dies, the server releases it.
   */
  async withConnectionLock<T>(userId: string, work: () => Promise<T>): Promise<T> {
    // Named by database and user, so every instance agrees whatever host or credentials it reaches the server with.
    const name = `refresh:${createHash('sha256').update(`${this.database}|${userId}`).digest('base64url').slice(0, 43)}`;
    const connection = await this.run(() => this.lockPool.getConnection());
    try {
      const [rows] = await this.run(() => connection.query<Row[]>('SELECT GET_LOCK(?, 60) AS locked', [name]));
      // Held past the wait by a refresh stuck on a slow provider: the provider, not the store, is what is slow.
      if (Number(rows[0]?.locked) !== 1)
        throw new IntegrationError(
          'provider_unavailable',
          'a refresh of this connection is still waiting for the provider',
        );
      try {
        return await work();
      } finally {
        await connection.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
      }
    } finally {
      connection.release();
    }
  }

  /** Rate-limit counters in this store's database, shared by every instance (./rate-limit-store.ts). */
  limiterFactory(): LimiterFactory {
    return mysqlLimiterFactory(this.rateLimitPool, this.database);
  }

  async close(): Promise<void> {
    await Promise.all([this.pool, this.lockPool, this.rateLimitPool].map((pool) => pool.end().catch(() => undefined)));
  }
}
