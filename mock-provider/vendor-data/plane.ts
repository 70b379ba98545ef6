/**
 * The vendor's data plane, as the resource API sees it: every call is made
 * as a session, the MySQL user that matches the token's account and scopes
 * (`read`: SELECT and SHOW VIEW on the account's own databases; `write`: and
 * INSERT). The plane enforces that user's grants itself, so
 * a statement the API should not have let through is refused a second time:
 * by MySQL's own privileges (mysql-plane.ts), or by the same grants kept in
 * memory (memory-plane.ts). Each such refusal is recorded, for the harness.
 */
import type { ColumnType, RowValue } from '../fixtures';
import type { Column } from './values';

export type Role = 'read' | 'write';

/** Who runs the statements: the account's read-only or read-write user. */
export interface Session {
  readonly account: string;
  readonly role: Role;
}

export type Row = Readonly<Record<string, RowValue>> & { readonly id: number };

export interface TableView {
  readonly name: string;
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: ColumnType }>;
}

export interface RowsPage {
  readonly rows: readonly Row[];
  /** Whether rows follow the last one. */
  readonly more: boolean;
}

/** A statement the database itself refused for want of a privilege (the second lock). */
export interface Refusal {
  /** Which lock refused: MySQL's grants, or the in-memory copy of them. */
  readonly by: 'mysql' | 'memory';
  readonly account: string;
  readonly role: Role;
  /** The database user the statement ran as. */
  readonly user: string;
  readonly statement: 'SHOW TABLES' | 'SHOW COLUMNS' | 'SELECT' | 'INSERT';
  /** The logical database name (as the API names it). */
  readonly database: string;
  readonly table?: string;
  /** The server's error code name, e.g. ER_TABLEACCESS_DENIED_ERROR. */
  readonly code: string;
}

/** What the vendor holds, for checks: every database with each table's row count, and the refusals so far. */
export interface VendorDataState {
  readonly store: 'memory' | 'mysql';
  readonly databases: ReadonlyArray<{
    readonly account: string;
    readonly name: string;
    readonly tables: ReadonlyArray<{ readonly name: string; readonly rows: number }>;
  }>;
  readonly refusals: readonly Refusal[];
}

export interface VendorDataPlane {
  readonly store: 'memory' | 'mysql';
  /** The names of the databases the session's user can see. */
  databases(session: Session): Promise<readonly string[]>;
  /** The database's tables and their columns (not_found when the user may not see it). */
  tables(session: Session, database: string): Promise<readonly TableView[]>;
  /** The table's columns, `id` first (not_found when the user may not see it). */
  columns(session: Session, database: string, table: string): Promise<readonly Column[]>;
  /** Up to `limit` rows with `id` > `afterId`, in `id` order. */
  rows(session: Session, database: string, table: string, page: { limit: number; afterId: number }): Promise<RowsPage>;
  /** Insert checked values; the new row as stored. */
  insert(session: Session, database: string, table: string, values: ReadonlyArray<[string, RowValue]>): Promise<Row>;
  state(): Promise<VendorDataState>;
  clearRefusals(): void;
  close(): Promise<void>;
}
