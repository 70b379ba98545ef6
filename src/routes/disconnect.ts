/**
 * `POST /disconnect`: revoke at the provider, then forget the tokens.
 * Refused from another site; idempotent (disconnecting twice is fine).
 */
import type { Middleware } from 'koa';
import type { Integration } from '../context';
import { checkSameOrigin } from '../http/check-same-origin';
import { requireSession } from '../session';

export function disconnect(integration: Integration): Middleware {
  return async (ctx) => {
    checkSameOrigin(ctx, integration.origin);
    const session = await requireSession(ctx, integration.store);
    const result = await integration.revocations.disconnect(session.userId);
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = { status: 'not_connected', revocation: result.queued > 0 ? 'pending' : 'done' };
      return;
    }
    ctx.status = 303;
    ctx.redirect('/');
  };
}
