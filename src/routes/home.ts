/**
 * `GET /`: the sign-in form, or the connection status; once connected, the
 * user's databases too (a provider hiccup shows as a note, not an error page).
 */
import type { Middleware } from 'koa';
import type { Integration } from '../context';
import { IntegrationError } from '../errors';
import { currentSession } from '../session';
import { signInPage, statusPage, type DatabasesView } from '../views/home-page';

async function databasesOf(integration: Integration, userId: string): Promise<DatabasesView> {
  try {
    const body = await integration.vendorApi.get(userId, '/v1/databases');
    const names = Array.isArray(body.databases) ? body.databases.map((database) => String((database as { name?: unknown }).name)) : [];
    return { names };
  } catch (error) {
    if (error instanceof IntegrationError) return { problem: error.code };
    throw error;
  }
}

export function home(integration: Integration): Middleware {
  return async (ctx) => {
    const session = await currentSession(ctx, integration.store);
    ctx.type = 'html';
    if (!session) {
      ctx.body = signInPage();
      return;
    }
    let connection = await integration.store.findConnection(session.userId);
    const databases = connection?.status === 'connected' ? await databasesOf(integration, session.userId) : undefined;
    // Listing the databases may have found the grant gone: show the connection as it is now.
    if (databases?.problem) connection = await integration.store.findConnection(session.userId);
    ctx.body = statusPage(session, connection, databases);
  };
}
