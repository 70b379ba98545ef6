/**
 * `GET /connect`, step 1: a pending authorization bound to this session,
 * then a redirect to the provider's authorization endpoint.
 */
import type { Config } from '../config';
import { IntegrationError } from '../errors';
import type { IntegrationMiddleware } from '../http/integration-state';
import { parseQueryParameters } from '../http/query-parameters';
import { requireUser, type Identity } from '../identity/identity';
import { createPendingAuthorization } from '../oauth/authorization-request';
import type { Discovery } from '../oauth/discovery';
import type { AuthorizationRedirect } from '../oauth/pushed-authorization-request';
import { checkReturnTo } from '../oauth/return-to';
import type { Metrics } from '../observability/metrics';
import type { Store } from '../store/store';

export interface ConnectDependencies {
  readonly config: Pick<Config, 'clientId' | 'redirectUri' | 'scopes' | 'pendingAuthorizationTtlSeconds'>;
  readonly identity: Identity;
  readonly store: Pick<Store, 'savePendingAuthorization'>;
  readonly discovery: Pick<Discovery, 'metadata'>;
  /** The authorization URL in full, or a pushed request's reference (RFC 9126). */
  readonly authorizationRedirect: Pick<AuthorizationRedirect, 'url'>;
  readonly metrics: Pick<Metrics, 'flowsStarted'>;
  /** The integration's own origin: `return_to` must stay on it. */
  readonly origin: string;
  readonly now: () => number;
}

export function connect(deps: ConnectDependencies): IntegrationMiddleware {
  const { config, store, discovery } = deps;
  return async (ctx) => {
    // HEAD is routed with GET; only a real GET starts a flow.
    if (ctx.method !== 'GET') throw new IntegrationError('method_not_allowed', 'this method is not allowed here');
    const parameters = parseQueryParameters(ctx.querystring);
    const user = await requireUser(deps.identity, ctx);
    const returnTo = checkReturnTo(parameters.get('return_to'), deps.origin);
    const metadata = await discovery.metadata();
    const pending = createPendingAuthorization({
      issuer: metadata.issuer,
      clientId: config.clientId,
      redirectUri: config.redirectUri,
      scopes: config.scopes,
      sessionId: user.sessionId,
      userId: user.id,
      returnTo,
      now: deps.now(),
      ttlSeconds: config.pendingAuthorizationTtlSeconds,
    });
    // Pushed first (RFC 9126) when it is pushed: nothing is kept from a push that failed.
    const url = await deps.authorizationRedirect.url(metadata, pending);
    await store.savePendingAuthorization(pending);
    ctx.state.log.info({ flowId: pending.flowId, userId: user.id }, 'authorization request');
    deps.metrics.flowsStarted.inc();
    ctx.redirect(url.href);
  };
}
