/**
 * `GET /api/connection`: the connection as the user may see it. Never a token.
 */
import type { Middleware } from 'koa';
import type { Integration } from '../context';
import { requireSession } from '../session';

export function connectionStatus(integration: Integration): Middleware {
  return async (ctx) => {
    const session = await requireSession(ctx, integration.store);
    const connection = await integration.store.findConnection(session.userId);
    if (!connection) {
      ctx.body = { status: 'not_connected', scopes: [], expires_at: null, account: null };
      return;
    }
    ctx.body = {
      status: connection.status,
      ...(connection.reauthReason === undefined ? {} : { reason: connection.reauthReason }),
      scopes: connection.scopes,
      expires_at: connection.accessTokenExpiresAt === undefined ? null : new Date(connection.accessTokenExpiresAt).toISOString(),
      account: {
        issuer: connection.issuer,
        subject: connection.subject,
        name: connection.accountName ?? null,
        email: connection.accountEmail ?? null,
      },
    };
  };
}
