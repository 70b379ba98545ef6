/**
 * The vendor's resource API, called on the user's behalf (RFC 6750): the
 * access token comes from the token manager (which owns the refresh after a
 * 401), the vendor's answers become typed data or our error codes. The
 * token never leaves the token manager and this module.
 *
 * Reads (`GET`) are retried where a retry is safe; an insert (`POST`) only
 * when the vendor said it did not process it (429, 503): a row is never
 * written twice by a retry.
 */
import type { TokenManager } from '../connections/token-manager';
import { IntegrationError } from '../errors';
import { parseJsonObject, type ProviderClient, type ProviderResponse, retryAfterOf } from '../http/provider-client';
import { dpopProof, sendWithDpopNonce } from '../oauth/dpop';

/** The scope the vendor requires for a write (its `insufficient_scope` names it). */
export const writeScope = 'databases:write';

export interface VendorDatabase {
  readonly name: string;
  readonly engine?: string;
  readonly region?: string;
}

export interface VendorColumn {
  readonly name: string;
  readonly type?: string;
}

export interface VendorTable {
  readonly name: string;
  readonly columns?: readonly VendorColumn[];
}

/** A row as the vendor sent it: column name to value. */
export type VendorRow = Readonly<Record<string, unknown>>;

export interface VendorRowsPage {
  readonly rows: readonly VendorRow[];
  /** The cursor of the next page (keyset, opaque), or null on the last one. */
  readonly next: string | null;
}

/** A value a row may hold, as JSON carries it. */
export type RowValue = string | number | boolean | null;

export interface VendorApiDependencies {
  readonly apiBaseUrl: string;
  readonly http: ProviderClient;
  readonly tokens: Pick<TokenManager, 'withAccessToken'>;
}

interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  /** What the vendor's 404 means here: no such database or table (`not_found`, the default), or no API at all. */
  readonly notFound?: 'not_found' | 'vendor_api_not_found';
}

export class VendorApi {
  constructor(private readonly deps: VendorApiDependencies) {}

  /**
   * The user's databases at the vendor. The list exists for every account, so a 404 here means the API is not
   * where API_BASE_URL says: `vendor_api_not_found`, never `not_found` (contract 3.5).
   */
  async listDatabases(userId: string): Promise<readonly VendorDatabase[]> {
    const body = await this.call(userId, { method: 'GET', path: '/databases', notFound: 'vendor_api_not_found' });
    return listOf(body, 'databases').map((entry) => ({
      name: nameOf(entry),
      ...(typeof entry.engine === 'string' ? { engine: entry.engine } : {}),
      ...(typeof entry.region === 'string' ? { region: entry.region } : {}),
    }));
  }

  /**
   * The tables of one of the user's databases, with their columns; `not_found` when the vendor has no such database.
   */
  async listTables(userId: string, database: string): Promise<readonly VendorTable[]> {
    const body = await this.call(userId, { method: 'GET', path: `/databases/${segment(database)}/tables` });
    return listOf(body, 'tables').map((entry) => {
      const columns = entry.columns === undefined ? undefined : listOf(entry, 'columns').map(columnOf);
      return { name: nameOf(entry), ...(columns ? { columns } : {}) };
    });
  }

  /** One page of a table's rows, in the order of its primary key, after the cursor `after` when given. */
  async readRows(
    userId: string,
    database: string,
    table: string,
    page: { readonly limit: number; readonly after?: string },
  ): Promise<VendorRowsPage> {
    const query: Record<string, string> = {
      limit: String(page.limit),
      ...(page.after === undefined ? {} : { after: page.after }),
    };
    const body = await this.call(userId, {
      method: 'GET',
      path: `/databases/${segment(database)}/tables/${segment(table)}/rows`,
      query,
    });
    const rows = listOf(body, 'rows');
    // Bounded: a vendor that sends more than was asked for is not passed on.
    if (rows.length > page.limit)
      throw new IntegrationError('provider_error', 'the vendor API sent more rows than were asked for');
    const next = body.next;
    if (next !== null && next !== undefined && typeof next !== 'string')
      throw new IntegrationError('provider_error', 'the vendor API\'s "next" is not a cursor');
    return { rows, next: typeof next === 'string' && next !== '' ? next : null };
  }

  /** Insert one row; the row as the vendor stored it. Needs the `databases:write` scope at the vendor. */
  async insertRow(
    userId: string,
    database: string,
    table: string,
    values: Readonly<Record<string, RowValue>>,
  ): Promise<VendorRow> {
    const body = await this.call(userId, {
      method: 'POST',
      path: `/databases/${segment(database)}/tables/${segment(table)}/rows`,
      json: { values },
    });
    const row = body.row;
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new IntegrationError('provider_error', 'the vendor API did not answer the row it stored');
    return row as VendorRow;
  }

  private async call(userId: string, call: Call): Promise<Record<string, unknown>> {
    const url = resourceUrl(this.deps.apiBaseUrl, call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
    const policy = call.method === 'GET' ? 'idempotent' : 'not-processed';
    const send = (authorization: string, dpop?: string) =>
      this.deps.http.request('resource', policy, (http) =>
        http(url, {
          method: call.method,
          headers: { authorization, ...(dpop ? { dpop } : {}) },
          ...(call.json === undefined ? {} : { json: call.json }),
        }),
      );
    const response = await this.deps.tokens.withAccessToken(userId, (accessToken, dpop) => {
      if (!dpop) return send(`Bearer ${accessToken}`);
      // A DPoP-bound token (RFC 9449 7.1): a fresh proof per attempt, with the token's hash and the vendor's nonce.
      return sendWithDpopNonce(dpop, url, async (nonce) =>
        send(
          `DPoP ${accessToken}`,
          await dpopProof(dpop.key, { method: call.method, url, nonce, accessToken }, dpop.now()),
        ),
      );
    });
    return interpret(response, call);
  }
}

/** A path segment: the route's own checks keep names to safe characters; encoded all the same. */
function segment(name: string): string {
  return encodeURIComponent(name);
}

/**
 * A path under the API's base URL, the base's own path kept
 * (`https://api.example/vendor/v1` + `/databases`), never resolved against
 * the host's root as `new URL('/databases', base)` would: the bearer token
 * goes nowhere outside the configured base.
 */
function resourceUrl(base: string, path: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  return url;
}

/** The scope a 403 names in its `WWW-Authenticate` (RFC 6750 3), when it names one. */
function scopeOf(response: ProviderResponse<string>): string | undefined {
  const header = response.headers['www-authenticate'];
  const match = typeof header === 'string' ? /\bscope="([\x21\x23-\x5b\x5d-\x7e ]{1,200})"/.exec(header) : null;
  return match?.[1];
}

function interpret(response: ProviderResponse<string>, { method, notFound }: Call): Record<string, unknown> {
  const status = response.statusCode;
  if (status === 200 || (status === 201 && method === 'POST')) {
    const body = parseJsonObject(response.body);
    if (!body) throw new IntegrationError('provider_error', 'the vendor API answered something other than JSON');
    return body;
  }
  if (status === 400) {
    // Our own checks let through only names and pages the vendor should take: what it
    // still refuses is the row's columns or values, or a stale cursor.
    if (method === 'POST')
      throw new IntegrationError(
        'invalid_row',
        'the vendor refused the row: an unknown or missing column, or a value its column cannot take',
      );
    throw new IntegrationError('malformed_request', 'the vendor refused the page asked for');
  }
  if (status === 401)
    throw new IntegrationError('provider_error', 'the vendor API refused a freshly refreshed access token');
  if (status === 403) {
    const scope = scopeOf(response);
    throw new IntegrationError(
      'insufficient_scope',
      'the connection was not granted this access to the databases',
      scope ? { requiredScope: scope } : {},
    );
  }
  if (status === 404 && notFound === 'vendor_api_not_found')
    throw new IntegrationError(
      'vendor_api_not_found',
      "the vendor API answered 404 for the databases list: API_BASE_URL does not point at the vendor's API",
    );
  if (status === 404) throw new IntegrationError('not_found', 'the vendor has no such database or table');
  if (status === 429 || status >= 500) {
    throw new IntegrationError('provider_unavailable', `the vendor API answered ${status}`, {
      retryAfterSeconds: retryAfterOf(response),
    });
  }
  throw new IntegrationError('provider_error', `the vendor API answered ${status}`);
}

/** The named list of a vendor answer: objects only; a missing list is an empty one. */
function listOf(body: Record<string, unknown>, field: string): Array<Record<string, unknown>> {
  const value = body[field];
  if (value === undefined) return [];
  if (
    !Array.isArray(value) ||
    !value.every((entry) => typeof entry === 'object' && entry !== null && !Array.isArray(entry))
  ) {
    throw new IntegrationError('provider_error', `the vendor API's "${field}" is not a list of objects`);
  }
  return value as Array<Record<string, unknown>>;
}

function nameOf(entry: Record<string, unknown>): string {
  if (typeof entry.name !== 'string')
    throw new IntegrationError('provider_error', 'the vendor API named an entry without a "name"');
  return entry.name;
}

function columnOf(entry: Record<string, unknown>): VendorColumn {
  return { name: nameOf(entry), ...(typeof entry.type === 'string' ? { type: entry.type } : {}) };
}
