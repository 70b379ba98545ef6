/**
 * The names and the paging parameters a client sends, checked before
 * anything reaches a database: a database, table or column name is one to
 * 64 letters, digits or underscores (nothing a quote, a backtick or a `;`
 * could hide in), then quoted all the same; `limit` is 1 to 100; the keyset
 * cursor is opaque to the client and names the last `id` it saw, bound to
 * its database and table by an HMAC under a key of this run of the mock: a
 * cursor of another table, a forged one, or one of an earlier run, is
 * refused (contract 10.1).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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

/** Where a cursor was given out: the logical database and the table of the page. */
export interface CursorPlace {
  readonly database: string;
  readonly table: string;
}

/** The key this run of the mock binds its cursors with. */
const cursorKey = randomBytes(32);
const macLength = 16;

function cursorMac(place: CursorPlace, id: number): Buffer {
  return createHmac('sha256', cursorKey)
    .update(`${place.database}\u0000${place.table}\u0000${id}`)
    .digest()
    .subarray(0, macLength);
}

/** The keyset cursor of a row of this table: opaque to the client (`<id>.<mac>`, base64url each). */
export function cursorAfter(id: number, place: CursorPlace): string {
  return `${Buffer.from(`id:${id}`).toString('base64url')}.${cursorMac(place, id).toString('base64url')}`;
}

/** `after` from the query: absent, from the start (0); otherwise a cursor this API gave out for this very table. */
export function checkCursor(value: unknown, place: CursorPlace): number {
  if (value === undefined) return 0;
  const parts = typeof value === 'string' ? /^([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{22})$/.exec(value) : null;
  const match =
    parts?.[1] === undefined ? null : /^id:([0-9]{1,10})$/.exec(Buffer.from(parts[1], 'base64url').toString());
  const id = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  const mac = Buffer.from(parts?.[2] ?? '', 'base64url');
  if (
    !Number.isSafeInteger(id) ||
    id > maxId ||
    mac.length !== macLength ||
    !timingSafeEqual(mac, cursorMac(place, id))
  )
    throw invalidRequest('"after" must be a cursor this API gave out for this table ("next")');
  return id;
}
