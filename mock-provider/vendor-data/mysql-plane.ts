/**
 * The vendor's data on a real MariaDB/MySQL (`VENDOR_MYSQL_URL`). Seeded on
 * first use (mysql-seed.ts), each statement is then run as the MySQL user of
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
import { dropRun, dropStaleRuns, physicalName, type SeededRun, seedRun, userKey } from './mysql-seed';
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

export class MysqlPlane implements VendorDataPlane {
  readonly store = 'mysql';
  private seeded: Promise<{ admin: Connection; run: SeededRun }> | undefined;
  private readonly pools = new Map<string, Pool>();
  private readonly refusals: Refusal[] = [];
  /** Where the per-account users connect (the server of the URL, unless rerouted). */
  private dataServer: { host: string; port: number };

  constructor(private readonly url: string) {
    const parsed = new URL(url);
    this.dataServer = { host: parsed.hostname, port: Number(parsed.port || 3306) };
  }

  /** Seed on first use; a failure (the server down) is answered 503 and tried again next time. */
  private ready(): Promise<{ admin: Connection; run: SeededRun }> {
    this.seeded ??= (async () => {
      const admin = await createConnection({ uri: this.url, multipleStatements: true, connectTimeout: 5000 });
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
    })();
    return this.seeded.catch((error: unknown) => {
      this.seeded = undefined;
      throw error;
    });
  }

  /** Seed now (`npm run start:mock`: fail at start, not at the first call). The run id. */
  async seed(): Promise<string> {
    return (await this.ready()).run.runId;
  }

  /** In-process only, for the harness: the seeded run (its users and their passwords), and where those users connect. */
  async seededRun(): Promise<{
    readonly run: SeededRun;
    readonly server: { readonly host: string; readonly port: number };
  }> {
    return { run: (await this.ready()).run, server: { ...this.dataServer } };
  }

  /** In-process only: the per-account users connect through another host and port from now on (a proxy the harness can cut). */
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
    try {
      await dropRun(ready.admin, ready.run);
    } catch {
      // The server is gone: the run's lock goes with its connection, and the next run to start drops what is left.
    } finally {
      await ready.admin.end().catch(() => undefined);
    }
  }
}
