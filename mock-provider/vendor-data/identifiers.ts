/**
 * The names and the paging parameters a client sends, checked before
 * anything reaches a database: a database, table or column name is one to
 * 64 letters, digits or underscores (nothing a quote, a backtick or a `;`
 * could hide in), then quoted all the same; `limit` is 1 to 100; the keyset
 * cursor is opaque to the client and names the last `id` it saw.
 */
import { invalidRequest } from './errors';

const identifier = /^[A-Za-z0-9_]{1,64}$/;

export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && identifier.test(value);
}

/** The name, or invalid_request naming what it was meant to be. */
export function checkIdentifier(value: unknown, what: 'database' | 'table' | 'column'): string {
  if (!isIdentifier(value)) throw invalidRequest(`the ${what} name must be 1 to 64 letters, digits or underscores`);
  return value;
}

/** MySQL's quoting of an identifier (any backtick doubled), for names already checked. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export const defaultLimit = 20;
export const maxLimit = 100;

/** `limit` from the query: absent, the default; otherwise an integer 1..100. */
export function checkLimit(value: unknown): number {
  if (value === undefined) return defaultLimit;
  if (typeof value !== 'string' || !/^[0-9]{1,6}$/.test(value))
    throw invalidRequest(`"limit" must be an integer from 1 to ${maxLimit}`);
  const limit = Number(value);
  if (limit < 1 || limit > maxLimit) throw invalidRequest(`"limit" must be an integer from 1 to ${maxLimit}`);
  return limit;
}

const maxId = 2_147_483_647;

/** The keyset cursor of a row: opaque to the client. */
export function cursorAfter(id: number): string {
  return Buffer.from(`id:${id}`).toString('base64url');
}

/** `after` from the query: absent, from the start (0); otherwise a cursor this API gave out. */
export function checkCursor(value: unknown): number {
  if (value === undefined) return 0;
  const decoded =
    typeof value === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(value) ? Buffer.from(value, 'base64url').toString() : '';
  const match = /^id:([0-9]{1,10})$/.exec(decoded);
  const id = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(id) || id > maxId)
    throw invalidRequest('"after" must be a cursor this API gave out ("next")');
  return id;
}
