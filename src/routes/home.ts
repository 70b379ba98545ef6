/**
 * `GET /`: the connection status; once connected, the user's databases too
 * (a provider hiccup shows as a note, not an error page). Listing them is a
 * call of the vendor API on the user's behalf, so it counts against the
 * `api` rate limit like `GET /api/databases`: over it, the page says so
 * instead of calling the vendor. `HEAD /` never calls the vendor. With the
 * demo identity and no one signed in, its sign-in form.
 */
import { IntegrationError } from '../errors';
import type { IntegrationContext, IntegrationMiddleware } from '../http/integration-state';
import type { RateLimiter } from '../http/rate-limits';
import type { Identity } from '../identity/identity';
import type { Store } from '../store/store';
import type { VendorApi } from '../vendor/vendor-api';
import { signInPage, statusPage, type DatabasesView } from '../views/home-page';

export interface HomeDependencies {
  readonly identity: Identity;
  readonly store: Pick<Store, 'findConnection'>;
  readonly vendorApi: Pick<VendorApi, 'listDatabases'>;
  readonly rateLimiter: Pick<RateLimiter, 'consume'>;
}

async function databasesOf(deps: HomeDependencies, ctx: IntegrationContext, userId: string): Promise<DatabasesView> {
  try {
    await deps.rateLimiter.consume('api', ctx);
    return { names: (await deps.vendorApi.listDatabases(userId)).map((database) => database.name) };
  } catch (error) {
    if (error instanceof IntegrationError) return { problem: error.code };
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
    const databases = connection?.status === 'connected' && ctx.method === 'GET' ? await databasesOf(deps, ctx, user.id) : undefined;
    // Listing the databases may have found the grant gone: show the connection as it is now.
    if (databases?.problem) connection = await store.findConnection(user.id);
    ctx.type = 'html';
    ctx.body = statusPage(user, connection, databases, { signOut: identity.kind === 'demo' });
  };
}
