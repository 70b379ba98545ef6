/**
 * `POST /disconnect` (contract 5.7): the HTTP of disconnecting. Refused from
 * another site; the user's connection forgotten and its tokens revoked by the
 * disconnect service (../connections/disconnect.ts), which says what became
 * of them (`done`, `pending`, `not_offered`); idempotent (disconnecting
 * twice is fine).
 */
import type { DisconnectUser } from '../connections/disconnect';
import { checkSameOrigin } from '../http/check-same-origin';
import type { IntegrationMiddleware } from '../http/integration-state';
import { type Identity, requireUser } from '../identity/identity';

export interface DisconnectDependencies {
  readonly identity: Identity;
  readonly disconnectUser: DisconnectUser;
  /** The integration's own origin: the request must come from it. */
  readonly origin: string;
}

export function disconnect(deps: DisconnectDependencies): IntegrationMiddleware {
  return async (ctx) => {
    checkSameOrigin(ctx, deps.origin);
    const user = await requireUser(deps.identity, ctx);
    const result = await deps.disconnectUser(user.id);
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = { status: 'not_connected', revocation: result.revocation };
      return;
    }
    ctx.status = 303;
    ctx.redirect('/');
  };
}
