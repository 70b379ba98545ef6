/**
 * The vendor's data in memory (the default: `npm start` needs nothing
 * installed): the fixtures copied for this mock, ids assigned 1, 2, 3...,
 * and the per-account users' grants (grants.ts) checked before every
 * statement, as MySQL checks its own.
 */
import { databasesByAccount, type RowValue } from '../fixtures';
import { notFound } from './errors';
import { allowed, refusalAnswer } from './grants';
import type { Refusal, Row, RowsPage, Session, TableView, VendorDataPlane, VendorDataState } from './plane';
import type { Column } from './values';

interface MemoryTable {
  readonly columns: readonly Column[];
  readonly rows: Row[];
  nextId: number;
}

export class MemoryPlane implements VendorDataPlane {
  readonly store = 'memory';
  private readonly tablesOf = new Map<string, Map<string, MemoryTable>>();
  private readonly ownerOf = new Map<string, string>();
  private readonly refusals: Refusal[] = [];

  constructor() {
    for (const [account, databases] of Object.entries(databasesByAccount)) {
      for (const database of databases) {
        this.ownerOf.set(database.name, account);
        const tables = new Map<string, MemoryTable>();
        for (const table of database.tables) {
          const rows = table.rows.map((row, index) => ({ id: index + 1, ...row }));
          tables.set(table.name, {
            columns: [{ name: 'id', type: 'int' }, ...table.columns],
            rows,
            nextId: rows.length + 1,
          });
        }
        this.tablesOf.set(database.name, tables);
      }
    }
  }

  /** The grants' check: a refusal is recorded and answered as the API would answer MySQL's. */
  private check(session: Session, database: string, statement: Refusal['statement'], table?: string): void {
    if (allowed(session, database, statement)) return;
    this.refusals.push({
      by: 'memory',
      account: session.account,
      role: session.role,
      user: `${session.account}_${session.role === 'read' ? 'ro' : 'rw'}`,
      statement,
      database,
      ...(table === undefined ? {} : { table }),
      code: statement === 'SHOW TABLES' ? 'ER_DBACCESS_DENIED_ERROR' : 'ER_TABLEACCESS_DENIED_ERROR',
    });
    throw refusalAnswer(session, database, statement);
  }

  private table(database: string, table: string): MemoryTable {
    const found = this.tablesOf.get(database)?.get(table);
    if (!found) throw notFound('table');
    return found;
  }

  async databases(session: Session): Promise<readonly string[]> {
    return (databasesByAccount[session.account] ?? []).map((database) => database.name);
  }

  async tables(session: Session, database: string): Promise<readonly TableView[]> {
    this.check(session, database, 'SHOW TABLES');
    const tables = this.tablesOf.get(database);
    if (!tables) throw notFound('database');
    return [...tables]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, table]) => ({
        name,
        columns: table.columns.map(({ name: column, type }) => ({ name: column, type })),
      }));
  }

  async columns(session: Session, database: string, table: string): Promise<readonly Column[]> {
    this.check(session, database, 'SHOW COLUMNS', table);
    return this.table(database, table).columns;
  }

  async rows(
    session: Session,
    database: string,
    table: string,
    page: { limit: number; afterId: number },
  ): Promise<RowsPage> {
    this.check(session, database, 'SELECT', table);
    const following = this.table(database, table).rows.filter((row) => row.id > page.afterId);
    return { rows: following.slice(0, page.limit).map((row) => ({ ...row })), more: following.length > page.limit };
  }

  async insert(
    session: Session,
    database: string,
    table: string,
    values: ReadonlyArray<[string, RowValue]>,
  ): Promise<Row> {
    this.check(session, database, 'INSERT', table);
    const stored = this.table(database, table);
    const row: Row = { id: stored.nextId, ...Object.fromEntries(values) };
    stored.nextId += 1;
    stored.rows.push(row);
    return { ...row };
  }

  async state(): Promise<VendorDataState> {
    return {
      store: 'memory',
      databases: [...this.tablesOf].map(([name, tables]) => ({
        account: this.ownerOf.get(name) ?? '',
        name,
        tables: [...tables].map(([table, stored]) => ({ name: table, rows: stored.rows.length })),
      })),
      refusals: [...this.refusals],
    };
  }

  clearRefusals(): void {
    this.refusals.length = 0;
  }

  async close(): Promise<void> {
    // Nothing held.
  }
}
