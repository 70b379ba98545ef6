/**
 * The vendor's resource API, called on the user's behalf (RFC 6750): the
 * access token comes from the token manager (which owns the refresh after a
 * 401), the vendor's answers become typed data or our error codes. The
 * token never leaves the token manager and this module.
 */
import type { Response } from 'got';
import type { TokenManager } from '../connections/token-manager';
import { IntegrationError } from '../errors';
import { dpopProof, sendWithDpopNonce } from '../oauth/dpop';
import { parseJsonObject, retryAfterOf, type ProviderClient } from '../http/provider-client';

export interface VendorDatabase {
  readonly name: string;
  readonly engine?: string;
  readonly region?: string;
}

export interface VendorTable {
  readonly name: string;
}

export interface VendorApiDependencies {
  readonly apiBaseUrl: string;
  readonly http: ProviderClient;
  readonly tokens: Pick<TokenManager, 'withAccessToken'>;
}

export class VendorApi {
  constructor(private readonly deps: VendorApiDependencies) {}

  /** The user's databases at the vendor. */
  async listDatabases(userId: string): Promise<readonly VendorDatabase[]> {
    const body = await this.get(userId, '/databases');
    return listOf(body, 'databases').map((entry) => ({
      name: nameOf(entry),
      ...(typeof entry.engine === 'string' ? { engine: entry.engine } : {}),
      ...(typeof entry.region === 'string' ? { region: entry.region } : {}),
    }));
  }

  /** The tables of one of the user's databases; `not_found` when the vendor has no such database. */
  async listTables(userId: string, database: string): Promise<readonly VendorTable[]> {
    const body = await this.get(userId, `/databases/${encodeURIComponent(database)}/tables`);
    return listOf(body, 'tables').map((entry) => ({ name: nameOf(entry) }));
  }

  private async get(userId: string, path: string): Promise<Record<string, unknown>> {
    const url = resourceUrl(this.deps.apiBaseUrl, path);
    const response = await this.deps.tokens.withAccessToken(userId, (accessToken, dpop) => {
      if (!dpop) return this.deps.http.request('resource', 'idempotent', (got) => got.get(url, { headers: { authorization: `Bearer ${accessToken}` } }));
      // A DPoP-bound token (RFC 9449 7.1): a fresh proof per attempt, with the token's hash and the vendor's nonce.
      return sendWithDpopNonce(dpop, url, (nonce) =>
        this.deps.http.request('resource', 'idempotent', async (got) =>
          got.get(url, {
            headers: { authorization: `DPoP ${accessToken}`, dpop: await dpopProof(dpop.key, { method: 'GET', url, nonce, accessToken }, dpop.now()) },
          }),
        ),
      );
    });
    return interpret(response);
  }
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
  return url;
}

function interpret(response: Response<string>): Record<string, unknown> {
  const status = response.statusCode;
  if (status === 200) {
    const body = parseJsonObject(response.body);
    if (!body) throw new IntegrationError('provider_error', 'the vendor API answered something other than JSON');
    return body;
  }
  if (status === 401) throw new IntegrationError('provider_error', 'the vendor API refused a freshly refreshed access token');
  if (status === 403) throw new IntegrationError('insufficient_scope', 'the connection was not granted access to the databases');
  if (status === 404) throw new IntegrationError('not_found', 'the vendor has no such database');
  if (status === 429 || status >= 500) {
    throw new IntegrationError('provider_unavailable', `the vendor API answered ${status}`, { retryAfterSeconds: retryAfterOf(response) });
  }
  throw new IntegrationError('provider_error', `the vendor API answered ${status}`);
}

/** The named list of a vendor answer: objects only; a missing list is an empty one. */
function listOf(body: Record<string, unknown>, field: string): Array<Record<string, unknown>> {
  const value = body[field];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'object' && entry !== null && !Array.isArray(entry))) {
    throw new IntegrationError('provider_error', `the vendor API's "${field}" is not a list of objects`);
  }
  return value as Array<Record<string, unknown>>;
}

function nameOf(entry: Record<string, unknown>): string {
  if (typeof entry.name !== 'string') throw new IntegrationError('provider_error', 'the vendor API named an entry without a "name"');
  return entry.name;
}
