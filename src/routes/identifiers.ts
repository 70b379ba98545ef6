/**
 * The names a vendor API path may carry, checked before any call to the
 * vendor: a database 1 to 64 letters, digits, `_`, `$` or `-`; a table or a
 * column 1 to 64 letters, digits, `_` or `$` (MySQL's unquoted identifier
 * characters). Anything else (a backtick, a quote, a space, `;`, `/`, `.`)
 * is `malformed_request`, and the vendor never sees it. The vendor checks
 * and quotes them again on its side: this is the first lock, not the only one.
 */
import { IntegrationError } from '../errors';

const databaseName = /^[A-Za-z0-9_$-]{1,64}$/;
const identifier = /^[A-Za-z0-9_$]{1,64}$/;

export function checkDatabaseName(name: string | undefined): string {
  if (name === undefined || !databaseName.test(name)) {
    throw new IntegrationError(
      'malformed_request',
      'the database name must be 1 to 64 letters, digits, "_", "$" or "-"',
    );
  }
  return name;
}

export function checkTableName(name: string | undefined): string {
  if (name === undefined || !identifier.test(name))
    throw new IntegrationError('malformed_request', 'the table name must be 1 to 64 letters, digits, "_" or "$"');
  return name;
}

export function isColumnName(name: string): boolean {
  return identifier.test(name);
}
