/**
 * The store's tables, one column table each: for every field of a record,
 * its column and how its value is written and read back. Row mapping and
 * statement column lists both come from here, so they cannot fall out of
 * step; the compiler checks that every field of a record has its column.
 */
import type { RowDataPacket } from 'mysql2/promise';

import type { Connection, PendingAuthorization, PendingRevocation, Session } from '../store';

export type Row = RowDataPacket & Record<string, unknown>;

interface Column<T> {
  readonly name: string;
  write(value: T): unknown;
  read(value: unknown): T;
}

/** Every field of `R`, optional ones included, with its column. */
type Columns<R> = { readonly [K in keyof Required<R>]: Column<R[K]> };

const text = (name: string): Column<string> => ({ name, write: (value) => value, read: (value) => String(value) });
const integer = (name: string): Column<number> => ({ name, write: (value) => value, read: (value) => Number(value) });
/** Epoch milliseconds, in a BIGINT. */
const epoch = integer;
const optional = <T>(column: Column<T>): Column<T | undefined> => ({
  name: column.name,
  write: (value) => (value === undefined ? null : column.write(value)),
  read: (value) => (value === null || value === undefined ? undefined : column.read(value)),
});
const oneOf = <T extends string>(name: string): Column<T> => ({
  name,
  write: (value) => value,
  read: (value) => String(value) as T,
});
/** A list of strings, as JSON in a TEXT column. */
const list = (name: string): Column<readonly string[]> => ({
  name,
  write: (value) => JSON.stringify(value),
  read: (value) => JSON.parse(String(value)) as string[],
});
/** Text cut to the column's length when written. */
const truncated = (name: string, length: number): Column<string> => ({
  name,
  write: (value) => value.slice(0, length),
  read: (value) => String(value),
});

export class Table<R> {
  private readonly fields: ReadonlyArray<keyof R>;

  constructor(
    readonly name: string,
    private readonly columns: Columns<R>,
  ) {
    this.fields = Object.keys(columns) as Array<keyof R>;
  }

  /** The column names of `fields` (all of them by default), in that order. */
  names(fields: ReadonlyArray<keyof R> = this.fields): string[] {
    return fields.map((field) => this.columns[field].name);
  }

  /** The values of `fields` of a record, in that order, as written to their columns. */
  values(record: R, fields: ReadonlyArray<keyof R> = this.fields): unknown[] {
    return fields.map((field) => this.columns[field].write(record[field]));
  }

  /** The record of a row; a NULL column leaves its field out. */
  read(row: Row): R {
    const record: Partial<R> = {};
    for (const field of this.fields) {
      const value = this.columns[field].read(row[this.columns[field].name]);
      if (value !== undefined) record[field] = value;
    }
    return record as R;
  }

  /** `INSERT INTO table (every column) VALUES (?, ...)`, to be given `values(record)`. */
  insert(): string {
    const names = this.names();
    return `INSERT INTO ${this.name} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
  }

  /** The fields other than `excluded`, in the table's order. */
  except(...excluded: ReadonlyArray<keyof R>): ReadonlyArray<keyof R> {
    return this.fields.filter((field) => !excluded.includes(field));
  }
}

export const sessions = new Table<Session>('sessions', {
  id: text('id'),
  userId: text('user_id'),
  createdAt: epoch('created_at'),
  expiresAt: epoch('expires_at'),
});

export const pendingAuthorizations = new Table<PendingAuthorization>('pending_authorizations', {
  state: text('state'),
  flowId: text('flow_id'),
  sessionId: text('session_id'),
  userId: text('user_id'),
  issuer: text('issuer'),
  codeVerifier: text('code_verifier'),
  nonce: text('nonce'),
  redirectUri: text('redirect_uri'),
  scopes: list('scopes'),
  returnTo: text('return_to'),
  expectedIssuer: optional(text('expected_issuer')),
  expectedSubject: optional(text('expected_subject')),
  createdAt: epoch('created_at'),
  expiresAt: epoch('expires_at'),
  usedAt: optional(epoch('used_at')),
});

export const connections = new Table<Connection>('connections', {
  userId: text('user_id'),
  version: integer('version'),
  issuer: text('issuer'),
  subject: text('subject'),
  accountName: optional(text('account_name')),
  accountEmail: optional(text('account_email')),
  scopes: list('scopes'),
  sealedAccessToken: text('sealed_access_token'),
  sealedRefreshToken: optional(text('sealed_refresh_token')),
  sealedDpopKey: optional(text('sealed_dpop_key')),
  accessTokenExpiresAt: optional(epoch('access_token_expires_at')),
  status: oneOf<Connection['status']>('status'),
  reauthReason: optional(text('reauth_reason')),
  nonce: text('nonce'),
  connectedAt: epoch('connected_at'),
  refreshedAt: optional(epoch('refreshed_at')),
});

export const pendingRevocations = new Table<PendingRevocation>('pending_revocations', {
  id: text('id'),
  userId: text('user_id'),
  sealedToken: text('sealed_token'),
  tokenTypeHint: oneOf<PendingRevocation['tokenTypeHint']>('token_type_hint'),
  attempts: integer('attempts'),
  notBefore: epoch('not_before'),
  createdAt: epoch('created_at'),
  lastError: optional(truncated('last_error', 512)),
});
