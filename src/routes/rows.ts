/**
 * A table's rows at the vendor, on the user's behalf:
 *
 * - `GET /api/databases/:name/tables/:table/rows?limit=&after=`: one page,
 *   keyset-paginated on the primary key. `limit` is 1 to 100 (20 when
 *   absent); `after` is the `next` cursor of the page before, passed back
 *   as it came. Bounded: no answer ever holds more than `limit` rows.
 * - `POST /api/databases/:name/tables/:table/rows`: insert one row, from
 *   this site only (a JSON `{"values": {...}}`, or the demo page's form
 *   whose fields are the columns). It needs `databases:write`: a connection
 *   granted less is refused with 403 `insufficient_scope` before the vendor
 *   is called, naming the scope and the link that asks for it in addition
 *   (incremental authorization; the vendor refuses it too).
 *
 * Names are checked before any call (./identifiers.ts); a value is a
 * string, number, boolean or null, and the vendor binds it as a parameter.
 */
import type { RouterMiddleware } from '@koa/router';

import { IntegrationError } from '../errors';
import { bodyParser } from '../http/body-parser';
import { checkSameOrigin } from '../http/check-same-origin';
import type { IntegrationState } from '../http/integration-state';
import { parseQueryParameters } from '../http/query-parameters';
import { type Identity, requireUser } from '../identity/identity';
import type { Store } from '../store/store';
import { type RowValue, type VendorApi, writeScope } from '../vendor-api/vendor-api';
import { checkDatabaseName, checkTableName, isColumnName } from './identifiers';

export const defaultRowLimit = 20;
export const maxRowLimit = 100;
const maxColumns = 64;
const maxValueLength = 4096;
/** An `after` cursor as the vendor makes them (contract 3.5); the demo page's Next page link follows the same rule. */
export const cursor = /^[A-Za-z0-9._~-]{1,512}$/;

export interface RowsDependencies {
  readonly identity: Identity;
  readonly store: Pick<Store, 'findConnection'>;
  readonly vendorApi: Pick<VendorApi, 'readRows' | 'insertRow' | 'listTables'>;
  /** The integration's own origin: an insert must come from it. */
  readonly origin: string;
}

/** The page asked for: `limit` digits only, 1 to 100; `after` a cursor as the vendor makes them. */
function pageOf(querystring: string): { limit: number; after?: string } {
  const parameters = parseQueryParameters(querystring);
  const limitText = parameters.get('limit');
  const after = parameters.get('after');
  let limit = defaultRowLimit;
  if (limitText !== undefined) {
    limit = /^[0-9]{1,3}$/.test(limitText) ? Number(limitText) : 0;
    if (limit < 1 || limit > maxRowLimit)
      throw new IntegrationError('malformed_request', `"limit" must be a whole number from 1 to ${maxRowLimit}`);
  }
  if (after !== undefined && !cursor.test(after))
    throw new IntegrationError('malformed_request', '"after" must be the "next" cursor of a page');
  return after === undefined ? { limit } : { limit, after };
}

export function readRows(deps: RowsDependencies): RouterMiddleware<IntegrationState> {
  return async (ctx) => {
    const user = await requireUser(deps.identity, ctx);
    const database = checkDatabaseName(ctx.params.name);
    const table = checkTableName(ctx.params.table);
    const page = await deps.vendorApi.readRows(user.id, database, table, pageOf(ctx.querystring));
    ctx.body = { database, table, rows: page.rows, next: page.next };
  };
}

/** The row's values: column names checked like any identifier, values of the four JSON kinds a column can take. */
function valuesOf(body: unknown, form: boolean): Record<string, RowValue> {
  const values = form ? body : (body as { values?: unknown } | undefined)?.values;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new IntegrationError(
      'invalid_row',
      'the row must be a JSON object of column names to values: {"values": {...}}',
    );
  }
  const entries = Object.entries(values as Record<string, unknown>);
  if (entries.length === 0 || entries.length > maxColumns)
    throw new IntegrationError('invalid_row', `a row names 1 to ${maxColumns} columns`);
  const row: Record<string, RowValue> = {};
  for (const [column, value] of entries) {
    if (!isColumnName(column))
      throw new IntegrationError('malformed_request', 'a column name must be 1 to 64 letters, digits, "_" or "$"');
    const fits =
      value === null ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && value.length <= maxValueLength);
    if (!fits)
      throw new IntegrationError(
        'invalid_row',
        `a value must be a string of at most ${maxValueLength} characters, a number, true, false or null`,
      );
    row[column] = value;
  }
  return row;
}

/** A form's text values, with those of integer columns (as the vendor describes the table) as numbers. */
async function typedFormValues(
  deps: RowsDependencies,
  userId: string,
  database: string,
  table: string,
  values: Record<string, RowValue>,
): Promise<Record<string, RowValue>> {
  const columns =
    (await deps.vendorApi.listTables(userId, database)).find((candidate) => candidate.name === table)?.columns ?? [];
  const integers = new Set(
    columns.filter((column) => /^(tiny|small|medium|big)?int\b/i.test(column.type ?? '')).map((column) => column.name),
  );
  return Object.fromEntries(
    Object.entries(values).map(([column, value]) => [
      column,
      integers.has(column) && typeof value === 'string' && /^-?[0-9]{1,10}$/.test(value) ? Number(value) : value,
    ]),
  );
}

export function insertRow(deps: RowsDependencies): Array<RouterMiddleware<IntegrationState>> {
  return [
    async (ctx, next) => {
      checkSameOrigin(ctx, deps.origin);
      await next();
    },
    bodyParser({ enableTypes: ['json', 'form'], jsonLimit: '16kb', formLimit: '16kb' }),
    async (ctx) => {
      const user = await requireUser(deps.identity, ctx);
      const database = checkDatabaseName(ctx.params.name);
      const table = checkTableName(ctx.params.table);
      const form = ctx.request.is('urlencoded') === 'urlencoded';
      let values = valuesOf(ctx.request.body, form);
      // The scopes granted are known: a write they cannot allow is not sent (the vendor would refuse it too).
      const connection = await deps.store.findConnection(user.id);
      if (connection?.status === 'connected' && !connection.scopes.includes(writeScope)) {
        throw new IntegrationError(
          'insufficient_scope',
          `writing needs the "${writeScope}" scope, which this connection was not granted`,
          { requiredScope: writeScope },
        );
      }
      // A form sends text only: the demo's integer columns are sent as the numbers they hold.
      if (form) values = await typedFormValues(deps, user.id, database, table, values);
      const row = await deps.vendorApi.insertRow(user.id, database, table, values);
      ctx.state.log.info({ userId: user.id }, 'row inserted');
      if (form && ctx.accepts('html', 'json') !== 'json') {
        // The demo page's form: back to the table, which now shows the row.
        ctx.status = 303;
        ctx.redirect(`/?database=${encodeURIComponent(database)}&table=${encodeURIComponent(table)}`);
        return;
      }
      ctx.status = 201;
      ctx.body = { database, table, row };
    },
  ];
}
