/**
 * `GET /`: the connection status; once connected, the user's databases too
 * (a provider hiccup shows as a note, not an error page), and with
 * `?database=` its tables, with `&table=` that table's first rows, and with
 * `&after=` the page that follows (the `next` cursor, checked as `GET
 * /api/.../rows` checks it: contract 3.5). Listing them is a
 * call of the vendor API on the user's behalf, so it counts against the
 * `api` rate limit like `GET /api/databases`: over it, the page says so
 * instead of calling the vendor. `HEAD /` never calls the vendor. With the
 * demo identity and no one signed in, its sign-in form.
 */
import { IntegrationError } from '../errors';
import type { IntegrationContext, IntegrationMiddleware } from '../http/integration-state';
import { parseQueryParameters } from '../http/query-parameters';
import type { RateLimiter } from '../http/rate-limits';
import type { Identity } from '../identity/identity';
import type { Store } from '../store/store';
import type { VendorApi } from '../vendor-api/vendor-api';
import { type DatabasesView, signInPage, statusPage } from '../views/home-page';
import { checkDatabaseName, checkTableName } from './identifiers';
import { cursor } from './rows';

/** How many rows the page shows of a table. */
const firstRows = 10;

export interface HomeDependencies {
  readonly identity: Identity;
  readonly store: Pick<Store, 'findConnection'>;
  readonly vendorApi: Pick<VendorApi, 'listDatabases' | 'listTables' | 'readRows'>;
  readonly rateLimiter: Pick<RateLimiter, 'consume'>;
  /** The integration's clock (epoch ms): the page says how long the access has left by it. */
  readonly now: () => number;
}

async function databasesOf(deps: HomeDependencies, ctx: IntegrationContext, userId: string): Promise<DatabasesView> {
  let names: string[];
  try {
    await deps.rateLimiter.consume('api', ctx);
    names = (await deps.vendorApi.listDatabases(userId)).map((database) => database.name);
  } catch (error) {
    if (error instanceof IntegrationError) return { problem: error.code };
    throw error;
  }
  let chosen: ReadonlyMap<string, string>;
  try {
    chosen = parseQueryParameters(ctx.querystring);
  } catch (error) {
    // The page still answers: what it could not read is noted, like a vendor's hiccup.
    if (error instanceof IntegrationError) return { names, database: { name: '', problem: error.code } };
    throw error;
  }
  const database = chosen.get('database');
  if (database === undefined) return { names };
  return { names, database: await databaseOf(deps, ctx, userId, database, chosen.get('table'), chosen.get('after')) };
}

/**
 * The tables of the database chosen on the page, and the first rows of the
 * table chosen; a problem reading them is shown, not thrown.
 */
async function databaseOf(
  deps: HomeDependencies,
  ctx: IntegrationContext,
  userId: string,
  database: string,
  table: string | undefined,
  after: string | undefined,
): Promise<NonNullable<DatabasesView['database']>> {
  let name = '';
  try {
    name = checkDatabaseName(database);
    await deps.rateLimiter.consume('api', ctx);
    const tables = await deps.vendorApi.listTables(userId, name);
    if (table === undefined) return { name, tables };
    const tableName = checkTableName(table);
    if (after !== undefined && !cursor.test(after))
      throw new IntegrationError('malformed_request', '"after" must be the "next" cursor of a page');
    await deps.rateLimiter.consume('api', ctx);
    const page = await deps.vendorApi.readRows(
      userId,
      name,
      tableName,
      after === undefined ? { limit: firstRows } : { limit: firstRows, after },
    );
    return { name, tables, table: { name: tableName, rows: page.rows, after, next: page.next } };
  } catch (error) {
    if (error instanceof IntegrationError) return { name, problem: error.code };
    throw error;
  }
}

export function home(deps: HomeDependencies): IntegrationMiddleware {
  const { identity, store } = deps;
  return async (ctx) => {
    const user = await identity.currentUser(ctx);
    if (!user) {
      // Only the demo signs users in itself; behind a host product's proxy, no user is a refusal.
      if (identity.kind !== 'demo') throw new IntegrationError('session_required', 'you are not signed in');
      ctx.type = 'html';
      ctx.body = signInPage();
      return;
    }
    let connection = await store.findConnection(user.id);
    const databases =
      connection?.status === 'connected' && ctx.method === 'GET' ? await databasesOf(deps, ctx, user.id) : undefined;
    // Listing the databases may have found the grant gone: show the connection as it is now.
    if (databases?.problem) connection = await store.findConnection(user.id);
    ctx.type = 'html';
    ctx.body = statusPage(user, connection, databases, { signOut: identity.kind === 'demo', now: deps.now() });
  };
}
