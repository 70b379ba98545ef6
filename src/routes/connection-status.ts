/**
 * `GET /api/connection`: the connection as the user may see it. Never a token.
 */
import type { IntegrationMiddleware } from '../http/integration-state';
import { type Identity, requireUser } from '../identity/identity';
import type { Store } from '../store/store';

export interface ConnectionStatusDependencies {
  readonly identity: Identity;
  readonly store: Pick<Store, 'findConnection'>;
}

export function connectionStatus(deps: ConnectionStatusDependencies): IntegrationMiddleware {
  return async (ctx) => {
    const user = await requireUser(deps.identity, ctx);
    const connection = await deps.store.findConnection(user.id);
    if (!connection) {
      ctx.body = { status: 'not_connected', scopes: [], expires_at: null, account: null };
      return;
    }
    ctx.body = {
      status: connection.status,
      ...(connection.reauthReason === undefined ? {} : { reason: connection.reauthReason }),
      scopes: connection.scopes,
      expires_at:
        connection.accessTokenExpiresAt === undefined ? null : new Date(connection.accessTokenExpiresAt).toISOString(),
      account: {
        issuer: connection.issuer,
        subject: connection.subject,
        name: connection.accountName ?? null,
        email: connection.accountEmail ?? null,
      },
    };
  };
}
