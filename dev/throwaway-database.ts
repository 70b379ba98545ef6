/**
 * Databases for the harness and the bench on the server of `MYSQL_URL`.
 *
 * - `ThrowawayDatabase.take()`: a migrated database from this process's pool.
 *   The pool migrates a database once and, when its scenario is done with it,
 *   empties it (every table in it but `schema_migrations`, the tables read
 *   from `information_schema`, so a new migration cannot be forgotten) and
 *   hands it to the next one. Handing out checks that it is
 *   empty and at the schema the pool migrated, and fails loudly if not.
 *   A database whose schema a scenario changed is dropped, never reused.
 * - `ThrowawayDatabase.create()`: a fresh migrated database of its own,
 *   dropped when its user is done (the bench; the scenarios that test the
 *   migrations themselves). `createEmpty()`: the same, not migrated.
 *
 * Every database is named after this process's run: `it_<run>_...` (or
 * `bench_<run>_...`), and the run holds a named lock (`GET_LOCK`) on a
 * connection of its own for as long as it lives, as the mock's vendor data
 * does (mock-provider/vendor-data/mysql-seed.ts). On its first database a run
 * drops those of runs whose lock nobody holds (a crashed run's); at its end
 * (`closeAdminPool`) it drops its own.
 */
import { randomBytes } from 'node:crypto';
import { createConnection, createPool, type Connection, type Pool, type RowDataPacket } from 'mysql2/promise';
import { migrate } from '../src/store/mysql/migrations';

type Prefix = 'it' | 'bench';

const runId = randomBytes(4).toString('hex');
const lockOf = (run: string): string => `throwaway_databases_${run}`;
/** A database of some run, this one's or another's: `it_<run>_...` or `bench_<run>_...`. */
const runName = /^(?:it|bench)_([0-9a-f]{8})_/;

let admin: Pool | undefined;
let runLock: Promise<Connection> | undefined;
/** Every database this process made and has not dropped yet, in use or free. */
const live = new Map<string, ThrowawayDatabase>();
/** The pooled databases no scenario holds now. */
const free: ThrowawayDatabase[] = [];
let pooled = 0;
/** The schema the pool's databases were migrated to (tables, columns, applied versions), to recognise a changed one. */
let poolSchema: string | undefined;

function serverUrl(): string {
  const url = process.env.MYSQL_URL;
  if (!url) throw new Error('a throwaway database needs MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/test)');
  return url;
}

function adminPool(): Pool {
  admin ??= createPool({ uri: serverUrl(), connectionLimit: 2 });
  return admin;
}

const quoted = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** Take this run's lock (held as long as the process lives), then drop what runs whose lock is free left behind. */
function joinRun(): Promise<Connection> {
  runLock ??= (async () => {
    const connection = await createConnection({ uri: serverUrl(), connectTimeout: 5000 });
    // The lock lives as long as this connection: an idle one is not to be timed out by the server.
    connection.on('error', () => undefined);
    await connection.query('SET SESSION wait_timeout = 31536000');
    const [[lock]] = await connection.query<Array<{ taken: number } & RowDataPacket>>(
      'SELECT GET_LOCK(?, 0) AS taken',
      [lockOf(runId)],
    );
    if (lock?.taken !== 1) throw new Error(`the lock of run ${runId} of the throwaway databases is taken`);
    await dropStaleDatabases(connection);
    return connection;
  })();
  return runLock;
}

/** Drop the databases of runs whose lock nobody holds. How many databases. */
async function dropStaleDatabases(connection: Connection): Promise<number> {
  const [schemas] = await connection.query<Array<{ name: string } & RowDataPacket>>(
    "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'it\\_%' OR SCHEMA_NAME LIKE 'bench\\_%'",
  );
  const held = new Map<string, boolean>();
  let dropped = 0;
  for (const { name } of schemas) {
    const run = runName.exec(name)?.[1];
    if (run === undefined || run === runId) continue;
    if (!held.has(run)) {
      const [[row]] = await connection.query<Array<{ holder: number | null } & RowDataPacket>>(
        'SELECT IS_USED_LOCK(?) AS holder',
        [lockOf(run)],
      );
      held.set(run, row?.holder !== null && row?.holder !== undefined);
    }
    if (held.get(run)) continue;
    await connection.query(`DROP DATABASE IF EXISTS ${quoted(name)}`);
    dropped += 1;
  }
  return dropped;
}

async function createDatabase(name: string, migrated: boolean): Promise<string> {
  await joinRun();
  await adminPool().query(`CREATE DATABASE ${quoted(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  if (migrated) {
    const pool = createPool({ uri: url.href, connectionLimit: 1 });
    try {
      await migrate(pool);
    } finally {
      await pool.end();
    }
  }
  return url.href;
}

/** The tables in a database, their columns and its applied migrations, as one text. */
async function schemaOf(name: string): Promise<string> {
  const [columns] = await adminPool().query<Array<{ line: string } & RowDataPacket>>(
    `SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME, ' ', COLUMN_TYPE) AS line FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [name],
  );
  const [versions] = await adminPool().query<Array<{ version: number } & RowDataPacket>>(
    `SELECT version FROM ${quoted(name)}.schema_migrations ORDER BY version`,
  );
  return [...columns.map((row) => row.line), `versions ${versions.map((row) => row.version).join(',')}`].join('\n');
}

/** Each table in a database but `schema_migrations`: its row count (one query), and whether it has an AUTO_INCREMENT column. */
async function tablesOf(name: string): Promise<Array<{ table: string; rows: number; autoIncrement: boolean }>> {
  const [tables] = await adminPool().query<Array<{ name: string; autoIncrement: number | null } & RowDataPacket>>(
    `SELECT TABLE_NAME AS name, AUTO_INCREMENT AS autoIncrement FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> 'schema_migrations' ORDER BY TABLE_NAME`,
    [name],
  );
  if (tables.length === 0) return [];
  const [counts] = await adminPool().query<Array<{ name: string; count: number } & RowDataPacket>>(
    tables
      .map((table) => `SELECT ? AS name, COUNT(*) AS count FROM ${quoted(name)}.${quoted(table.name)}`)
      .join(' UNION ALL '),
    tables.map((table) => table.name),
  );
  const rows = new Map(counts.map((row) => [row.name, Number(row.count)]));
  return tables.map((table) => ({
    table: table.name,
    rows: rows.get(table.name) ?? Number.NaN,
    autoIncrement: table.autoIncrement !== null,
  }));
}

export class ThrowawayDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
    /** Whether it came from the pool (emptied and reused after its user) or is its user's own (dropped after). */
    readonly pooled: boolean,
  ) {
    live.set(name, this);
  }

  /**
   * A migrated database from this process's pool, empty and handed to no one
   * else until it is released. Fails loudly if a database comes back from a
   * previous user with a row left in it.
   */
  static async take(): Promise<ThrowawayDatabase> {
    const database =
      free.pop() ??
      new ThrowawayDatabase(`it_${runId}_p${++pooled}`, await createDatabase(`it_${runId}_p${pooled}`, true), true);
    poolSchema ??= await schemaOf(database.name);
    const left = (await tablesOf(database.name)).filter(({ rows }) => rows !== 0);
    if (left.length > 0) {
      throw new Error(
        `the pooled database ${database.name} is handed out with rows left by its previous user: ${left.map(({ table, rows }) => `${table} ${rows}`).join(', ')}`,
      );
    }
    return database;
  }

  /** A new migrated database of its user's own; its name starts with `prefix` so that a leftover one says whose it was. */
  static async create(prefix: Prefix = 'it'): Promise<ThrowawayDatabase> {
    const name = `${prefix}_${runId}_${randomBytes(4).toString('hex')}`;
    return new ThrowawayDatabase(name, await createDatabase(name, true), false);
  }

  /** A new database of its user's own with no table in it (for the migrations to run on). */
  static async createEmpty(prefix: Prefix = 'it'): Promise<ThrowawayDatabase> {
    const name = `${prefix}_${runId}_${randomBytes(4).toString('hex')}`;
    return new ThrowawayDatabase(name, await createDatabase(name, false), false);
  }

  /** Run SQL against this database, bypassing the store (raw rows, schema tampering); `{db}` names it. */
  async query<T>(sql: string, values: unknown[] = []): Promise<T> {
    const [rows] = await adminPool().query(`/* ${this.name} */ ${sql.replace(/\{db\}/g, quoted(this.name))}`, values);
    return rows as T;
  }

  /**
   * Its user is done with it (every connection to it closed): a pooled one is
   * emptied and goes back to the pool, unless its schema was changed; any
   * other is dropped.
   */
  async release(): Promise<void> {
    if (!this.pooled || (await schemaOf(this.name).catch(() => undefined)) !== poolSchema) return this.drop();
    try {
      await this.empty();
    } catch (error) {
      await this.drop();
      throw error;
    }
    free.push(this);
  }

  /**
   * Empty every table that has rows, but `schema_migrations`, foreign keys or
   * not: `DELETE` (a few ms; `TRUNCATE`, which recreates the table, costs
   * about 30 ms a table on InnoDB), or `TRUNCATE` for a table with an
   * AUTO_INCREMENT column, so that its counter starts again too.
   */
  private async empty(): Promise<void> {
    const filled = (await tablesOf(this.name)).filter(({ rows }) => rows !== 0);
    if (filled.length === 0) return;
    const connection = await adminPool().getConnection();
    try {
      await connection.query('SET SESSION foreign_key_checks = 0');
      for (const { table, autoIncrement } of filled) {
        const name = `${quoted(this.name)}.${quoted(table)}`;
        await connection.query(autoIncrement ? `TRUNCATE TABLE ${name}` : `DELETE FROM ${name}`);
      }
    } finally {
      await connection.query('SET SESSION foreign_key_checks = 1').catch(() => undefined);
      connection.release();
    }
  }

  async drop(): Promise<void> {
    const index = free.indexOf(this);
    if (index >= 0) free.splice(index, 1);
    live.delete(this.name);
    await adminPool().query(`DROP DATABASE IF EXISTS ${quoted(this.name)}`);
  }

  /** A URL of the same database through another host and port (a proxy in front of the server). */
  via(host: string, port: number): string {
    const url = new URL(this.url);
    url.hostname = host;
    url.port = String(port);
    return url.href;
  }
}

/**
 * At the end of a run: drop every database it made (the pool's too), release
 * its lock and close the connections (or the process would stay up).
 */
export async function closeAdminPool(): Promise<void> {
  const databases = [...live.values()];
  if (admin) await Promise.allSettled(databases.map((database) => database.drop()));
  free.length = 0;
  const lock = runLock;
  runLock = undefined;
  poolSchema = undefined;
  await (await lock?.catch(() => undefined))?.end().catch(() => undefined);
  await admin?.end();
  admin = undefined;
}
