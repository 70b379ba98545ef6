/**
 * `GET /`: the sign-in form, or the connection status.
 */
import type { Middleware } from 'koa';
import type { Integration } from '../context';
import { currentSession } from '../session';
import { signInPage, statusPage } from '../views/home-page';

export function home(integration: Integration): Middleware {
  return async (ctx) => {
    const session = await currentSession(ctx, integration.store);
    ctx.type = 'html';
    ctx.body = session ? statusPage(session, await integration.store.findConnection(session.userId)) : signInPage();
  };
}
