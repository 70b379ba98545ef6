/**
 * The vendor's data on a real MariaDB/MySQL (`VENDOR_MYSQL_URL`). Seeded on
 * first use (mysql-seed.ts) and dropped when the mock stops; or, for a plane
 * made with `reuseRun` (the harness's in-process mocks), a run this process
 * seeded once and keeps, put back to the seeded rows before each plane uses
 * it and dropped by `dropKeptRuns()` when the process is done. Each statement is then run as the MySQL user of
 * the session (the token's account, read-only or read-write by its scopes),
 * over that user's own pool: MySQL's grants are the second lock. Identifiers
 * are checked and quoted, values bound as parameters (server-side prepared
 * statements). A server error never reaches the client: a privilege refusal
 * is recorded and answered as the API would have, a lost server is
 * `temporarily_unavailable`, bad data `invalid_request`.
 */
import {
  type Connection,
  createConnection,
  createPool,
  type Pool,
  type ResultSetHeader,
  type RowDataPacket,
} from 'mysql2/promise';

import { type ColumnType, databasesByAccount, type RowValue } from '../fixtures';
import { notFound, VendorDataError } from './errors';
import { refusalAnswer } from './grants';
import { quoteIdentifier } from './identifiers';
import {
  dropRun,
  dropStaleRuns,
  physicalName,
  restoreRun,
  type SeededRun,
  seedRun,
  tableStates,
  userKey,
} from './mysql-seed';
import type { Refusal, Row, RowsPage, Session, TableView, VendorDataPlane, VendorDataState } from './plane';
import type { Column } from './values';

const privilegeRefusals = new Set([
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
]);
const missing = new Set(['ER_NO_SUCH_TABLE', 'ER_BAD_DB_ERROR']);
const badData = new Set([
  'ER_BAD_FIELD_ERROR',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_DATA_TOO_LONG',
  'ER_BAD_NULL_ERROR',
  'ER_NO_DEFAULT_FOR_FIELD',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_TRUNCATED_WRONG_VALUE',
  'WARN_DATA_TRUNCATED',
  'ER_DUP_ENTRY',
]);

interface ServerError {
  code?: string;
}

/** `int(11)` (MariaDB, MySQL 5.7) is `int` (MySQL 8.0.19+): the type as the fixtures write it. */
const columnType = (type: string): ColumnType =>
  type.toLowerCase().replace(/^(tinyint|smallint|mediumint|int|bigint)\([0-9]+\)/, '$1') as ColumnType;

interface Seeded {
  readonly admin: Connection;
  readonly run: SeededRun;
}

/** Open the run's admin connection, drop what crashed runs left, seed a new run. */
async function seedNewRun(url: string): Promise<Seeded> {
  const admin = await createConnection({ uri: url, multipleStatements: true, connectTimeout: 5000 });
  // The run's lock lives as long as this connection: an idle one is not to be timed out by the server.
  admin.on('error', () => undefined);
  try {
    await admin.query('SET SESSION wait_timeout = 31536000');
    await dropStaleRuns(admin);
    return { admin, run: await seedRun(admin) };
  } catch (error) {
    await admin.end().catch(() => undefined);
    throw error;
  }
}

/** A run this process keeps for the planes that reuse one, one plane at a time; its tables as seeded. */
interface KeptRun extends Seeded {
  readonly url: string;
  readonly seeded: ReadonlyMap<string, string>;
  /** Its admin connection (and with it the run's lock) is gone: another run may drop it any time. */
  lost: boolean;
}

const keptRuns = new Set<KeptRun>();
/** The kept runs no plane holds now. */
const freeRuns: KeptRun[] = [];

/** ER_UNKNOWN_SYSTEM_VARIABLE: MariaDB has no `information_schema_stats_expiry`, nor needs it. */
const unknownVariable = (error: unknown) => (error as { errno?: number }).errno === 1193;

/**
 * A kept run for a plane: a free one of this server, its tables put back
 * as seeded (the databases, users and grants stay), or else a new run. A
 * run that cannot be put back is dropped and another taken.
 */
async function takeKeptRun(url: string): Promise<KeptRun> {
  for (let index = freeRuns.findIndex((kept) => kept.url === url); index >= 0;) {
    const [kept] = freeRuns.splice(index, 1) as [KeptRun];
    try {
      if (!kept.lost) {
        await restoreRun(kept.admin, kept.run, kept.seeded);
        return kept;
      }
    } catch {
      // Not put back (its databases dropped under it, the server restarted): dropped below, a new run seeded.
    }
    await dropKeptRun(kept);
    index = freeRuns.findIndex((candidate) => candidate.url === url);
  }
  const { admin, run } = await seedNewRun(url);
  try {
    // MySQL 8 caches information_schema's AUTO_INCREMENT for a day by default: tableStates reads it as it is.
    await admin.query('SET SESSION information_schema_stats_expiry = 0').catch((error: unknown) => {
      if (!unknownVariable(error)) throw error;
    });
    const kept: KeptRun = { admin, run, url, seeded: await tableStates(admin, run.runId), lost: false };
    for (const event of ['error', 'end'])
      admin.on(event, () => {
        kept.lost = true;
      });
    keptRuns.add(kept);
    return kept;
  } catch (error) {
    await dropRun(admin, run).catch(() => undefined);
    await admin.end().catch(() => undefined);
    throw error;
  }
}

async function dropKeptRun(kept: KeptRun): Promise<void> {
  keptRuns.delete(kept);
  const free = freeRuns.indexOf(kept);
  if (free >= 0) freeRuns.splice(free, 1);
  try {
    await dropRun(kept.admin, kept.run);
  } catch {
    // The server is gone: the run's lock goes with its connection, and the next run to start drops what is left.
  } finally {
    await kept.admin.end().catch(() => undefined);
  }
}

/** Drop every run this process kept for the planes that reuse one (the harness, when its process is done). */
export async function dropKeptRuns(): Promise<void> {
  await Promise.all([...keptRuns].map((kept) => dropKeptRun(kept)));
}

export class MysqlPlane implements VendorDataPlane {
  readonly store = 'mysql';
  private seeded: Promise<Seeded> | undefined;
  private readonly pools = new Map<string, Pool>();
  private readonly refusals: Refusal[] = [];
  /** Where the per-account users connect (the server of the URL, unless rerouted). */
  private dataServer: { host: string; port: number };
  /** A run of this process's, kept from one plane to the next (put back as seeded), not a run of its own. */
  private readonly reuseRun: boolean;

  constructor(
    private readonly url: string,
    options: { reuseRun?: boolean } = {},
  ) {
    const parsed = new URL(url);
    this.dataServer = { host: parsed.hostname, port: Number(parsed.port || 3306) };
    this.reuseRun = options.reuseRun ?? false;
  }

  /** Seed on first use (or take a kept run); a failure (the server down) is answered 503 and tried again next time. */
  private ready(): Promise<Seeded> {
    this.seeded ??= this.reuseRun ? takeKeptRun(this.url) : seedNewRun(this.url);
    return this.seeded.catch((error: unknown) => {
      this.seeded = undefined;
      throw error;
    });
  }

  /** Seed now (`npm run start:mock`: fail at start, not at the first call). The run id. */
  async seed(): Promise<string> {
    return (await this.ready()).run.runId;
  }

  /**
   * In-process only, for the harness: the seeded run (its users and their passwords), and where those users connect.
   */
  async seededRun(): Promise<{
    readonly run: SeededRun;
    readonly server: { readonly host: string; readonly port: number };
  }> {
    return { run: (await this.ready()).run, server: { ...this.dataServer } };
  }

  /**
   * In-process only: the per-account users connect through another host
   * and port from now on (a proxy the harness can cut).
   */
  async reroute(host: string, port: number): Promise<void> {
    this.dataServer = { host, port };
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
  }

  private async pool(session: Session): Promise<{ pool: Pool; user: string; runId: string }> {
    const { run } = await this.ready();
    const credentials = run.users.get(userKey(session.account, session.role));
    if (!credentials) throw notFound('database');
    const key = userKey(session.account, session.role);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = createPool({
        host: this.dataServer.host,
        port: this.dataServer.port,
        user: credentials.user,
        password: credentials.password,
        connectionLimit: 4,
        connectTimeout: 5000,
        dateStrings: true,
      });
      this.pools.set(key, pool);
    }
    return { pool, user: credentials.user, runId: run.runId };
  }

  /** Run one statement as the session's user; its server errors become the API's answers. */
  private async run<T>(
    session: Session,
    statement: Refusal['statement'],
    target: { database: string; table?: string },
    work: (pool: Pool, schema: string) => Promise<T>,
  ): Promise<T> {
    let user = '';
    try {
      const { pool, user: name, runId } = await this.pool(session);
      user = name;
      return await work(pool, quoteIdentifier(physicalName(runId, target.database)));
    } catch (error) {
      if (error instanceof VendorDataError) throw error;
      const { code = '' } = error as ServerError;
      if (privilegeRefusals.has(code)) {
        this.refusals.push({
          by: 'mysql',
          account: session.account,
          role: session.role,
          user,
          statement,
          ...target,
          code,
        });
        throw refusalAnswer(session, target.database, statement);
      }
      if (missing.has(code)) throw notFound(target.table === undefined ? 'database' : 'table');
      if (badData.has(code)) throw new VendorDataError('invalid_request', 'a value does not fit its column');
      // The server is gone, or failed in a way the client cannot act on: never its text, never a 500.
      throw new VendorDataError('temporarily_unavailable', "the vendor's database is unavailable; try again shortly");
    }
  }

  async databases(session: Session): Promise<readonly string[]> {
    return this.run(session, 'SHOW TABLES', { database: '' }, async (pool) => {
      const { runId } = (await this.ready()).run;
      const [rows] = await pool.query<RowDataPacket[]>('SHOW DATABASES');
      const visible = new Set(rows.map((row) => String(Object.values(row)[0])));
      return (databasesByAccount[session.account] ?? [])
        .map((database) => database.name)
        .filter((name) => visible.has(physicalName(runId, name)));
    });
  }

  async tables(session: Session, database: string): Promise<readonly TableView[]> {
    return this.run(session, 'SHOW TABLES', { database }, async (pool, schema) => {
      await pool.query(`SHOW FULL TABLES FROM ${schema}`);
      const [columns] = await pool.execute<RowDataPacket[]>(
        'SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION',
        [schema.slice(1, -1)],
      );
      const tables = new Map<string, Array<{ name: string; type: ColumnType }>>();
      for (const column of columns) {
        const list = tables.get(String(column.tableName)) ?? [];
        list.push({ name: String(column.name), type: columnType(String(column.type)) });
        tables.set(String(column.tableName), list);
      }
      return [...tables].map(([name, list]) => ({ name, columns: list }));
    });
  }

  async columns(session: Session, database: string, table: string): Promise<readonly Column[]> {
    return this.run(session, 'SHOW COLUMNS', { database, table }, async (pool, schema) => {
      const [columns] = await pool.query<RowDataPacket[]>(`SHOW COLUMNS FROM ${schema}.${quoteIdentifier(table)}`);
      return columns.map((column) => ({ name: String(column.Field), type: columnType(String(column.Type)) }));
    });
  }

  async rows(
    session: Session,
    database: string,
    table: string,
    page: { limit: number; afterId: number },
  ): Promise<RowsPage> {
    return this.run(session, 'SELECT', { database, table }, async (pool, schema) => {
      const [rows] = await pool.execute<RowDataPacket[]>(
        `SELECT * FROM ${schema}.${quoteIdentifier(table)} WHERE \`id\` > ? ORDER BY \`id\` LIMIT ?`,
        [page.afterId, page.limit + 1],
      );
      return { rows: rows.slice(0, page.limit).map((row) => ({ ...row }) as Row), more: rows.length > page.limit };
    });
  }

  async insert(
    session: Session,
    database: string,
    table: string,
    values: ReadonlyArray<[string, RowValue]>,
  ): Promise<Row> {
    return this.run(session, 'INSERT', { database, table }, async (pool, schema) => {
      const name = `${schema}.${quoteIdentifier(table)}`;
      const [result] = await pool.execute<ResultSetHeader>(
        `INSERT INTO ${name} (${values.map(([column]) => quoteIdentifier(column)).join(', ')}) VALUES (${values.map(() => '?').join(', ')})`,
        values.map(([, value]) => value),
      );
      const [rows] = await pool.execute<RowDataPacket[]>(`SELECT * FROM ${name} WHERE \`id\` = ?`, [result.insertId]);
      return { ...rows[0] } as Row;
    });
  }

  async state(): Promise<VendorDataState> {
    const { admin, run } = await this.ready().catch(() => {
      throw new VendorDataError('temporarily_unavailable', "the vendor's database is unavailable; try again shortly");
    });
    const databases = [];
    for (const [account, list] of Object.entries(databasesByAccount)) {
      for (const database of list) {
        const tables = [];
        for (const table of database.tables) {
          const [[count]] = await admin.query<RowDataPacket[]>(
            `SELECT COUNT(*) AS \`rows\` FROM ${quoteIdentifier(physicalName(run.runId, database.name))}.${quoteIdentifier(table.name)}`,
          );
          tables.push({ name: table.name, rows: Number(count?.rows) });
        }
        databases.push({ account, name: database.name, tables });
      }
    }
    return { store: 'mysql', databases, refusals: [...this.refusals] };
  }

  clearRefusals(): void {
    this.refusals.length = 0;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    const seeded = this.seeded;
    this.seeded = undefined;
    if (!seeded) return;
    const ready = await seeded.catch(() => undefined);
    if (!ready) return;
    if (this.reuseRun) {
      // Kept for the next plane, which puts its tables back first.
      const kept = ready as KeptRun;
      if (kept.lost) await dropKeptRun(kept);
      else freeRuns.push(kept);
      return;
    }
    try {
      await dropRun(ready.admin, ready.run);
    } catch {
      // The server is gone: the run's lock goes with its connection, and the next run to start drops what is left.
    } finally {
      await ready.admin.end().catch(() => undefined);
    }
  }
}
