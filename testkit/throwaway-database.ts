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

import { type Connection, createConnection, createPool, format, type Pool, type RowDataPacket } from 'mysql2/promise';

import { migrate } from '../src/store/mysql/migrations';

type Prefix = 'it' | 'bench';

const runId = randomBytes(4).toString('hex');
const lockOf = (run: string): string => `throwaway_databases_${run}`;
/** A database of some run, this one's or another's: `it_<run>_...` or `bench_<run>_...`. */
const runName = /^(?:it|bench)_([0-9a-f]{8})_/;

let admin: Pool | undefined;
let reset: Pool | undefined;
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

/** One connection that empties the pooled databases, several statements in a round trip. */
function resetPool(): Pool {
  reset ??= createPool({ uri: serverUrl(), connectionLimit: 1, multipleStatements: true });
  return reset;
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

interface Table {
  readonly name: string;
  readonly autoIncrement: boolean;
}

/** The tables in a database but `schema_migrations`, as `information_schema` lists them (a new migration's too). */
async function tablesOf(name: string): Promise<Table[]> {
  const [tables] = await adminPool().query<Array<{ name: string; autoIncrement: number | null } & RowDataPacket>>(
    `SELECT TABLE_NAME AS name, AUTO_INCREMENT AS autoIncrement FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> 'schema_migrations' ORDER BY TABLE_NAME`,
    [name],
  );
  return tables.map((table) => ({ name: table.name, autoIncrement: table.autoIncrement !== null }));
}

/**
 * Run `before` (statements), then read a database's tables, their columns
 * and its applied migrations, as one text: all in one round trip.
 */
async function readSchema(name: string, before: readonly string[]): Promise<string | undefined> {
  const [results] = await resetPool().query<RowDataPacket[][]>(
    [...before, 'SET SESSION group_concat_max_len = 1048576', schemaStatement(name)].join(';\n'),
  );
  return (results.at(-1)?.[0] as { ddl?: string } | undefined)?.ddl;
}

const schemaStatement = (name: string): string =>
  format(
    `SELECT CONCAT_WS('\n',
      (SELECT GROUP_CONCAT(TABLE_NAME, '.', COLUMN_NAME, ' ', COLUMN_TYPE ORDER BY TABLE_NAME, ORDINAL_POSITION SEPARATOR '\n')
        FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?),
      (SELECT CONCAT('versions ', GROUP_CONCAT(version ORDER BY version)) FROM ${quoted(name)}.schema_migrations)) AS ddl`,
    [name],
  );

export class ThrowawayDatabase {
  /** A pooled database's tables, read from `information_schema` once it is migrated. */
  private tables: readonly Table[] = [];

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
    const database = free.pop() ?? (await ThrowawayDatabase.newPooled());
    const [counts] = await adminPool().query<Array<{ name: string; count: number } & RowDataPacket>>(
      database.tables
        .map((table) => `SELECT ? AS name, COUNT(*) AS count FROM ${quoted(database.name)}.${quoted(table.name)}`)
        .join(' UNION ALL '),
      database.tables.map((table) => table.name),
    );
    const left = counts.filter((row) => Number(row.count) !== 0);
    if (counts.length !== database.tables.length || left.length > 0) {
      throw new Error(
        `the pooled database ${database.name} is handed out with rows left by its previous user: ${left.map((row) => `${row.name} ${row.count}`).join(', ')}`,
      );
    }
    return database;
  }

  private static async newPooled(): Promise<ThrowawayDatabase> {
    const name = `it_${runId}_p${++pooled}`;
    const database = new ThrowawayDatabase(name, await createDatabase(name, true), true);
    database.tables = await tablesOf(name);
    if (database.tables.length === 0) throw new Error(`the migrations made no table in ${name}`);
    const ddl = await readSchema(name, []);
    if (ddl === undefined) throw new Error(`the schema of ${name} cannot be read`);
    poolSchema ??= ddl;
    if (ddl !== poolSchema) throw new Error(`the migrations made another schema in ${name} than in the pool's first`);
    return database;
  }

  /**
   * A new migrated database of its user's own; its name starts with `prefix` so that a leftover one says whose it was.
   */
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
   * emptied and goes back to the pool, unless its schema was changed (then it
   * is dropped); any other is dropped.
   *
   * Emptied, foreign keys or not, in one round trip with the schema read
   * back: `DELETE` (a few ms; `TRUNCATE`, which recreates the table, costs
   * about 30 ms a table on InnoDB), or `TRUNCATE` for a table with an
   * AUTO_INCREMENT column, so that its counter starts again too.
   */
  async release(): Promise<void> {
    if (!this.pooled) return this.drop();
    const emptying = [
      'SET SESSION foreign_key_checks = 0',
      ...this.tables.map(({ name, autoIncrement }) =>
        autoIncrement
          ? `TRUNCATE TABLE ${quoted(this.name)}.${quoted(name)}`
          : `DELETE FROM ${quoted(this.name)}.${quoted(name)}`,
      ),
      'SET SESSION foreign_key_checks = 1',
    ];
    const schema = await readSchema(this.name, emptying).catch(() => undefined);
    if (schema !== undefined && schema === poolSchema) free.push(this);
    else await this.drop();
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
  await Promise.all([admin?.end(), reset?.end()]);
  admin = undefined;
  reset = undefined;
}
