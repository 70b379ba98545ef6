/**
 * The MySQL store (mysql2, a connection pool): durable, and shared by every
 * instance of the integration. Single-row changes are single statements;
 * every multi-row change is a transaction. A lost or unreachable server is
 * `store_unavailable` (503), and the pool reconnects by itself when the
 * server is back. Cross-instance work on one connection (a refresh) is
 * serialized with `GET_LOCK`.
 */
import { createHash } from 'node:crypto';
import { createPool, type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { RateLimiterMemory, RateLimiterMySQL } from 'rate-limiter-flexible';
import { IntegrationError } from '../../errors';
import type { LimiterFactory } from '../../http/rate-limits';
import type { Connection, PendingAuthorization, PendingRevocation, Session, Store, StoreCounts } from '../store';
import { checkSchema } from './migrations';

/** A MySQL URL for messages: never its password. */
export function describeMysqlUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '3306'}${parsed.pathname}`;
  } catch {
    return 'an invalid MYSQL_URL';
  }
}

const lostConnection = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  // Transient server states: a deadlock victim, a lock wait that timed out, a read-only server after a failover.
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_OPTION_PREVENTS_STATEMENT',
]);

function isLostConnection(error: unknown): boolean {
  const { code, fatal, message } = (error ?? {}) as { code?: string; fatal?: boolean; message?: string };
  return fatal === true || (code !== undefined && lostConnection.has(code)) || message === 'Pool is closed.';
}

type Row = RowDataPacket & Record<string, unknown>;

const nullable = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);
const epoch = (value: unknown): number => Number(value);

function toSession(row: Row): Session {
  return { id: String(row.id), userId: String(row.user_id), createdAt: epoch(row.created_at), expiresAt: epoch(row.expires_at) };
}

function toPending(row: Row): PendingAuthorization {
  return {
    state: String(row.state),
    flowId: String(row.flow_id),
    sessionId: String(row.session_id),
    userId: String(row.user_id),
    issuer: String(row.issuer),
    codeVerifier: String(row.code_verifier),
    nonce: String(row.nonce),
    redirectUri: String(row.redirect_uri),
    scopes: JSON.parse(String(row.scopes)) as string[],
    returnTo: String(row.return_to),
    createdAt: epoch(row.created_at),
    expiresAt: epoch(row.expires_at),
    ...(row.used_at === null ? {} : { usedAt: epoch(row.used_at) }),
  };
}

function toConnection(row: Row): Connection {
  const optional = <T>(value: T | undefined) => value;
  return {
    userId: String(row.user_id),
    version: Number(row.version),
    issuer: String(row.issuer),
    subject: String(row.subject),
    accountName: optional(nullable(row.account_name as string | null)),
    accountEmail: optional(nullable(row.account_email as string | null)),
    scopes: JSON.parse(String(row.scopes)) as string[],
    sealedAccessToken: String(row.sealed_access_token),
    sealedRefreshToken: nullable(row.sealed_refresh_token as string | null),
    accessTokenExpiresAt: row.access_token_expires_at === null ? undefined : epoch(row.access_token_expires_at),
    status: row.status as Connection['status'],
    reauthReason: nullable(row.reauth_reason as string | null),
    nonce: String(row.nonce),
    connectedAt: epoch(row.connected_at),
    refreshedAt: row.refreshed_at === null ? undefined : epoch(row.refreshed_at),
  };
}

function toRevocation(row: Row): PendingRevocation {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    sealedToken: String(row.sealed_token),
    tokenTypeHint: row.token_type_hint as PendingRevocation['tokenTypeHint'],
    attempts: Number(row.attempts),
    notBefore: epoch(row.not_before),
    createdAt: epoch(row.created_at),
    lastError: nullable(row.last_error as string | null),
  };
}

function connectionValues(connection: Connection): unknown[] {
  return [
    connection.version,
    connection.issuer,
    connection.subject,
    connection.accountName ?? null,
    connection.accountEmail ?? null,
    JSON.stringify(connection.scopes),
    connection.sealedAccessToken,
    connection.sealedRefreshToken ?? null,
    connection.accessTokenExpiresAt ?? null,
    connection.status,
    connection.reauthReason ?? null,
    connection.nonce,
    connection.connectedAt,
    connection.refreshedAt ?? null,
  ];
}

const connectionColumns = [
  'version',
  'issuer',
  'subject',
  'account_name',
  'account_email',
  'scopes',
  'sealed_access_token',
  'sealed_refresh_token',
  'access_token_expires_at',
  'status',
  'reauth_reason',
  'nonce',
  'connected_at',
  'refreshed_at',
];

export class MySqlStore implements Store {
  readonly pool: Pool;
  /**
   * Connections that hold a `GET_LOCK` while a refresh runs. Kept apart from
   * `pool`, so that refreshes holding locks never take the connections their
   * own queries need.
   */
  private readonly lockPool: Pool;
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
    this.lockPool = createPool({ uri: url, connectionLimit: options.connectionLimit ?? 10, connectTimeout: 5000, enableKeepAlive: true });
    this.database = decodeURIComponent(new URL(url).pathname.slice(1));
    // A pooled connection that dies while idle must not crash the process; the next query reconnects.
    for (const pool of [this.pool, this.lockPool]) pool.on('connection', (connection) => connection.on('error', () => undefined));
  }

  /** Check that the server answers and the schema is the one this integration knows. */
  async open(): Promise<void> {
    await checkSchema(this.pool);
  }

  /** Run a statement; a lost server becomes `store_unavailable`. */
  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isLostConnection(error)) {
        throw new IntegrationError('store_unavailable', 'the database cannot be reached', { cause: error });
      }
      throw error;
    }
  }

  private async rows(sql: string, values: unknown[] = []): Promise<Row[]> {
    return this.run(async () => (await this.pool.query<Row[]>(sql, values))[0]);
  }

  private async execute(sql: string, values: unknown[] = []): Promise<ResultSetHeader> {
    return this.run(async () => (await this.pool.query<ResultSetHeader>(sql, values))[0]);
  }

  /** Run `work` in one transaction on one connection: all of it or none. */
  private async transaction(work: (connection: PoolConnection) => Promise<void>): Promise<void> {
    await this.run(async () => {
      const connection = await this.pool.getConnection();
      try {
        await connection.beginTransaction();
        await work(connection);
        await connection.commit();
      } catch (error) {
        await connection.rollback().catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    });
  }

  async createSession(session: Session): Promise<void> {
    await this.execute('INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
      session.id,
      session.userId,
      session.createdAt,
      session.expiresAt,
    ]);
  }

  async findSession(id: string): Promise<Session | undefined> {
    const [row] = await this.rows('SELECT * FROM sessions WHERE id = ? AND expires_at > ?', [id, this.now()]);
    return row && toSession(row);
  }

  async deleteSession(id: string): Promise<void> {
    await this.execute('DELETE FROM sessions WHERE id = ?', [id]);
  }

  async savePendingAuthorization(pending: PendingAuthorization): Promise<void> {
    await this.execute(
      `INSERT INTO pending_authorizations
        (state, flow_id, session_id, user_id, issuer, code_verifier, nonce, redirect_uri, scopes, return_to, created_at, expires_at, used_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        pending.state,
        pending.flowId,
        pending.sessionId,
        pending.userId,
        pending.issuer,
        pending.codeVerifier,
        pending.nonce,
        pending.redirectUri,
        JSON.stringify(pending.scopes),
        pending.returnTo,
        pending.createdAt,
        pending.expiresAt,
        pending.usedAt ?? null,
      ],
    );
    // Expired ones are kept a day, to tell "expired" from "unknown", then dropped.
    await this.execute('DELETE FROM pending_authorizations WHERE expires_at < ?', [this.now() - 24 * 3600 * 1000]);
  }

  async findPendingAuthorization(state: string): Promise<PendingAuthorization | undefined> {
    const [row] = await this.rows('SELECT * FROM pending_authorizations WHERE state = ?', [state]);
    return row && toPending(row);
  }

  async consumePendingAuthorization(state: string, at: number): Promise<boolean> {
    const result = await this.execute('UPDATE pending_authorizations SET used_at = ? WHERE state = ? AND used_at IS NULL', [at, state]);
    return result.affectedRows === 1;
  }

  async saveConnection(connection: Connection): Promise<void> {
    await this.execute(
      `INSERT INTO connections (user_id, ${connectionColumns.join(', ')}) VALUES (?, ${connectionColumns.map(() => '?').join(', ')})
       ON DUPLICATE KEY UPDATE ${connectionColumns.map((column) => `${column} = VALUES(${column})`).join(', ')}`,
      [connection.userId, ...connectionValues(connection)],
    );
  }

  async findConnection(userId: string): Promise<Connection | undefined> {
    const [row] = await this.rows('SELECT * FROM connections WHERE user_id = ?', [userId]);
    return row && toConnection(row);
  }

  async updateConnection(connection: Connection, expectedVersion: number): Promise<boolean> {
    const result = await this.execute(
      `UPDATE connections SET ${connectionColumns.map((column) => `${column} = ?`).join(', ')} WHERE user_id = ? AND version = ?`,
      [...connectionValues(connection), connection.userId, expectedVersion],
    );
    return result.affectedRows === 1;
  }

  async listConnections(): Promise<Connection[]> {
    return (await this.rows('SELECT * FROM connections ORDER BY user_id')).map(toConnection);
  }

  async deleteConnection(userId: string, revocations: readonly PendingRevocation[]): Promise<void> {
    await this.transaction(async (connection) => {
      await connection.query('DELETE FROM connections WHERE user_id = ?', [userId]);
      for (const revocation of revocations) await this.insertRevocation(connection, revocation);
    });
  }

  async dueRevocations(now: number, limit: number): Promise<PendingRevocation[]> {
    return (await this.rows('SELECT * FROM pending_revocations WHERE not_before <= ? ORDER BY created_at LIMIT ?', [now, limit])).map(
      toRevocation,
    );
  }

  async listRevocations(): Promise<PendingRevocation[]> {
    return (await this.rows('SELECT * FROM pending_revocations ORDER BY created_at')).map(toRevocation);
  }

  async saveRevocation(revocation: PendingRevocation): Promise<void> {
    await this.run(async () => this.insertRevocation(this.pool, revocation));
  }

  private async insertRevocation(target: Pick<Pool, 'query'>, revocation: PendingRevocation): Promise<void> {
    await target.query(
      `INSERT INTO pending_revocations (id, user_id, sealed_token, token_type_hint, attempts, not_before, created_at, last_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE sealed_token = VALUES(sealed_token), attempts = VALUES(attempts),
         not_before = VALUES(not_before), last_error = VALUES(last_error)`,
      [
        revocation.id,
        revocation.userId,
        revocation.sealedToken,
        revocation.tokenTypeHint,
        revocation.attempts,
        revocation.notBefore,
        revocation.createdAt,
        revocation.lastError?.slice(0, 512) ?? null,
      ],
    );
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
      if (Number(rows[0]?.locked) !== 1) throw new IntegrationError('provider_unavailable', 'a refresh of this connection is still waiting for the provider');
      try {
        return await work();
      } finally {
        await connection.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
      }
    } finally {
      connection.release();
    }
  }

  /**
   * Rate-limit counters in the same database, shared by every instance.
   * While the database is away, each instance counts in its own memory
   * instead (rate-limiter-flexible's insurance limiter), so a lost database
   * is reported as `store_unavailable` by the store, not by the limiter.
   */
  limiterFactory(): LimiterFactory {
    const database = new URL(this.url).pathname.slice(1);
    return (options) =>
      new RateLimiterMySQL({
        ...options,
        storeClient: this.pool.pool,
        storeType: 'pool',
        dbName: database,
        tableName: 'rate_limits',
        tableCreated: true,
        insuranceLimiter: new RateLimiterMemory(options),
      });
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end().catch(() => undefined), this.lockPool.end().catch(() => undefined)]);
  }
}
