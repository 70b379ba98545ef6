/**
 * The grants of the vendor's per-account database users, written once for
 * both stores: the MySQL statements that make them (mysql-plane.ts), and the
 * same rule checked in memory (memory-plane.ts). A `read` user may SELECT
 * (and SHOW VIEW) on its account's own databases; a `write` user may also
 * INSERT there, and nothing more: no route updates or deletes a row, so no
 * user may; neither has any other privilege, nor any on another account's
 * databases.
 */
import { findDatabase } from '../fixtures';
import { VendorDataError } from './errors';
import type { Refusal, Role, Session } from './plane';

export const privilegesOf: Record<Role, readonly string[]> = {
  read: ['SELECT', 'SHOW VIEW'],
  write: ['SELECT', 'SHOW VIEW', 'INSERT'],
};

/** Whether the session's user holds the privilege a statement needs on a database. */
export function allowed(session: Session, database: string, statement: Refusal['statement']): boolean {
  if (findDatabase(database)?.owner !== session.account) return false;
  return statement === 'INSERT' ? privilegesOf[session.role].includes('INSERT') : true;
}

/**
 * What the client is told when the database refused a statement: a write
 * refused on the account's own database lacks `databases:write`; anything on
 * another account's database does not exist, as far as it may know.
 */
export function refusalAnswer(session: Session, database: string, statement: Refusal['statement']): VendorDataError {
  if (statement === 'INSERT' && findDatabase(database)?.owner === session.account) {
    return new VendorDataError('insufficient_scope', 'the "databases:write" scope is required');
  }
  return new VendorDataError('not_found', statement === 'SHOW TABLES' ? 'no such database' : 'no such table');
}
