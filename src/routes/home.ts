/**
 * `GET /`: the connection status; once connected, the user's databases too
 * (a provider hiccup shows as a note, not an error page). With the demo
 * identity and no one signed in, its sign-in form.
 */
import { IntegrationError } from '../errors';
import type { IntegrationMiddleware } from '../http/integration-state';
import { requireUser, type Identity } from '../identity/identity';
import type { Store } from '../store/store';
import type { VendorApi } from '../vendor/vendor-api';
import { signInPage, statusPage, type DatabasesView } from '../views/home-page';

export interface HomeDependencies {
  readonly identity: Identity;
  readonly store: Pick<Store, 'findConnection'>;
  readonly vendorApi: Pick<VendorApi, 'listDatabases'>;
}

async function databasesOf(vendorApi: HomeDependencies['vendorApi'], userId: string): Promise<DatabasesView> {
  try {
    return { names: (await vendorApi.listDatabases(userId)).map((database) => database.name) };
  } catch (error) {
    if (error instanceof IntegrationError) return { problem: error.code };
    throw error;
  }
}

export function home(deps: HomeDependencies): IntegrationMiddleware {
  const { identity, store } = deps;
  return async (ctx) => {
    if (identity.kind === 'demo' && !(await identity.currentUser(ctx))) {
      ctx.type = 'html';
      ctx.body = signInPage();
      return;
    }
    const user = await requireUser(identity, ctx);
    let connection = await store.findConnection(user.id);
    const databases = connection?.status === 'connected' ? await databasesOf(deps.vendorApi, user.id) : undefined;
    // Listing the databases may have found the grant gone: show the connection as it is now.
    if (databases?.problem) connection = await store.findConnection(user.id);
    ctx.type = 'html';
    ctx.body = statusPage(user, connection, databases, { signOut: identity.kind === 'demo' });
  };
}
