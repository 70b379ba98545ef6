/**
 * `POST /session`: the demo sign-in to the integration itself. Refused from
 * another site; the username is checked; a new session replaces any old one.
 * `POST /session/end`: sign out.
 */
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import type { Integration } from '../context';
import { IntegrationError } from '../errors';
import { checkSameOrigin } from '../http/check-same-origin';
import { currentSession, sessionCookie, startSession } from '../session';

const username = /^[A-Za-z0-9._-]{1,64}$/;

export function signIn(integration: Integration): Middleware[] {
  return [
    async (ctx, next) => {
      checkSameOrigin(ctx, integration.origin);
      await next();
    },
    bodyParser({ enableTypes: ['form', 'json'], formLimit: '4kb', jsonLimit: '4kb' }),
    async (ctx) => {
      const body = ctx.request.body as { username?: unknown } | undefined;
      const name = body?.username;
      if (typeof name !== 'string' || !username.test(name)) {
        throw new IntegrationError('invalid_username', 'the "username" field must be 1 to 64 letters, digits, ".", "-" or "_"');
      }
      const previous = await currentSession(ctx, integration.store);
      if (previous) await integration.store.deleteSession(previous.id);
      await startSession(ctx, integration.store, name, integration.now());
      ctx.status = 303;
      ctx.redirect('/');
    },
  ];
}

/**
 * `POST /session/end`: sign out. The session is deleted from the store, so a
 * copy of the cookie kept from before is dead too. Refused from another site.
 */
export function signOut(integration: Integration): Middleware {
  return async (ctx) => {
    checkSameOrigin(ctx, integration.origin);
    const session = await currentSession(ctx, integration.store);
    if (session) await integration.store.deleteSession(session.id);
    ctx.cookies.set(sessionCookie, null, { signed: true, httpOnly: true, sameSite: 'lax', path: '/' });
    ctx.status = 303;
    ctx.redirect('/');
  };
}
