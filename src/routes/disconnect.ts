/**
 * `POST /disconnect`: revoke at the provider, then forget the tokens.
 * Refused from another site; idempotent (disconnecting twice is fine).
 */
import type { RevocationQueue } from '../connections/revocation-queue';
import { checkSameOrigin } from '../http/check-same-origin';
import type { IntegrationMiddleware } from '../http/integration-state';
import { requireUser, type Identity } from '../identity/identity';

export interface DisconnectDependencies {
  readonly identity: Identity;
  readonly revocations: Pick<RevocationQueue, 'disconnect'>;
  /** The integration's own origin: the request must come from it. */
  readonly origin: string;
}

export function disconnect(deps: DisconnectDependencies): IntegrationMiddleware {
  return async (ctx) => {
    checkSameOrigin(ctx, deps.origin);
    const user = await requireUser(deps.identity, ctx);
    const result = await deps.revocations.disconnect(user.id);
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = { status: 'not_connected', revocation: result.queued > 0 ? 'pending' : 'done' };
      return;
    }
    ctx.status = 303;
    ctx.redirect('/');
  };
}
