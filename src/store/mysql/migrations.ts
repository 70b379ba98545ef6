/**
 * The MySQL schema, as numbered migrations applied in order by
 * `npm run migrate`. The integration checks the schema at start and refuses
 * to run on one that is older (not migrated) or newer (written by a later
 * version) than the migrations it knows.
 */
import type { Pool } from 'mysql2/promise';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'sessions, pending authorizations, connections, revocations, rate limits',
    statements: [
      `CREATE TABLE IF NOT EXISTS sessions (
        id CHAR(43) NOT NULL PRIMARY KEY,
        user_id VARCHAR(64) NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        KEY sessions_expires_at (expires_at)
      ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin`,
      `CREATE TABLE IF NOT EXISTS pending_authorizations (
        state CHAR(43) NOT NULL PRIMARY KEY,
        flow_id VARCHAR(16) NOT NULL,
        session_id CHAR(43) NOT NULL,
        user_id VARCHAR(64) NOT NULL,
        issuer VARCHAR(2048) NOT NULL,
        code_verifier VARCHAR(128) NOT NULL,
        nonce VARCHAR(128) NOT NULL,
        redirect_uri VARCHAR(2048) NOT NULL,
        scopes TEXT NOT NULL,
        return_to VARCHAR(1024) NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT NULL,
        KEY pending_authorizations_expires_at (expires_at)
      ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin`,
      `CREATE TABLE IF NOT EXISTS connections (
        user_id VARCHAR(64) NOT NULL PRIMARY KEY,
        version INT NOT NULL,
        issuer VARCHAR(2048) NOT NULL,
        subject VARCHAR(255) NOT NULL,
        account_name VARCHAR(255) NULL,
        account_email VARCHAR(320) NULL,
        scopes TEXT NOT NULL,
        sealed_access_token TEXT NOT NULL,
        sealed_refresh_token TEXT NULL,
        access_token_expires_at BIGINT NULL,
        status VARCHAR(32) NOT NULL,
        reauth_reason VARCHAR(64) NULL,
        nonce VARCHAR(128) NOT NULL,
        connected_at BIGINT NOT NULL,
        refreshed_at BIGINT NULL
      ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin`,
      `CREATE TABLE IF NOT EXISTS pending_revocations (
        id CHAR(36) NOT NULL PRIMARY KEY,
        user_id VARCHAR(64) NOT NULL,
        sealed_token TEXT NOT NULL,
        token_type_hint VARCHAR(16) NOT NULL,
        attempts INT NOT NULL,
        not_before BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        last_error VARCHAR(512) NULL,
        KEY pending_revocations_not_before (not_before)
      ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin`,
      // The table rate-limiter-flexible's RateLimiterMySQL expects.
      `CREATE TABLE IF NOT EXISTS rate_limits (
        \`key\` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
        points INT NOT NULL DEFAULT 0,
        expire BIGINT UNSIGNED NULL
      ) ENGINE = InnoDB`,
    ],
  },
  {
    version: 2,
    name: "a connection's sealed DPoP key (RFC 9449)",
    // MySQL has no ADD COLUMN IF NOT EXISTS: a column already there (a run
    // cut off after it) is taken as done, see migrate().
    statements: ['ALTER TABLE connections ADD COLUMN sealed_dpop_key TEXT NULL AFTER sealed_refresh_token'],
  },
  {
    version: 3,
    name: "an upgrade's account, which its callback must find again (contract 3.7)",
    statements: [
      'ALTER TABLE pending_authorizations ADD COLUMN expected_issuer VARCHAR(2048) NULL AFTER return_to',
      'ALTER TABLE pending_authorizations ADD COLUMN expected_subject VARCHAR(255) NULL AFTER expected_issuer',
    ],
  },
];

/** ER_DUP_FIELDNAME: the column a re-run ADD COLUMN adds is there already. */
const columnAlreadyThere = (error: unknown) => (error as { errno?: number }).errno === 1060;

export const latestVersion = migrations.reduce((latest, migration) => Math.max(latest, migration.version), 0);

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INT NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  applied_at BIGINT NOT NULL
) ENGINE = InnoDB`;

/** The newest applied migration (0 for an empty database). */
export async function schemaVersion(pool: Pick<Pool, 'query'>): Promise<number> {
  const [tables] = await pool.query<import('mysql2/promise').RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'",
  );
  if (Number(tables[0]?.n) === 0) return 0;
  const [rows] = await pool.query<import('mysql2/promise').RowDataPacket[]>(
    'SELECT MAX(version) AS version FROM schema_migrations',
  );
  return Number(rows[0]?.version ?? 0);
}

/**
 * Apply every migration not yet applied, each in order; the versions applied.
 * One migrator at a time (a database-wide lock), and each statement can run
 * again: a migration cut off half-way is finished by the next run.
 */
export async function migrate(pool: Pool): Promise<number[]> {
  const connection = await pool.getConnection();
  try {
    await connection.query("SELECT GET_LOCK(CONCAT(DATABASE(), ':migrate'), 60)");
    await connection.query(createMigrationsTable);
    const current = await schemaVersion(connection);
    if (current > latestVersion) throw new SchemaError(current);
    const applied: number[] = [];
    for (const migration of migrations.filter((candidate) => candidate.version > current)) {
      // MySQL commits DDL implicitly: each statement is its own step, and the version is recorded last.
      for (const statement of migration.statements) {
        await connection.query(statement).catch((error: unknown) => {
          if (!columnAlreadyThere(error)) throw error;
        });
      }
      await connection.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
      applied.push(migration.version);
    }
    return applied;
  } finally {
    await connection.query("SELECT RELEASE_LOCK(CONCAT(DATABASE(), ':migrate'))").catch(() => undefined);
    connection.release();
  }
}

export class SchemaError extends Error {
  constructor(readonly found: number) {
    super(
      found > latestVersion
        ? `the database schema is at version ${found}, newer than this integration knows (${latestVersion}); run a newer integration`
        : `the database schema is at version ${found}, older than this integration needs (${latestVersion}); run "npm run migrate"`,
    );
    this.name = 'SchemaError';
  }
}

/** Refuse a schema this integration was not written for. */
export async function checkSchema(pool: Pool): Promise<void> {
  const found = await schemaVersion(pool);
  if (found !== latestVersion) throw new SchemaError(found);
}
