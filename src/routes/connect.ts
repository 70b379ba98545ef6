/**
 * `GET /connect`, step 1: a pending authorization bound to this session,
 * then a redirect to the provider's authorization endpoint.
 */
import type { Middleware } from 'koa';
import type { Integration } from '../context';
import { IntegrationError } from '../errors';
import { parseQueryParameters } from '../http/query-parameters';
import { buildAuthorizationUrl, createPendingAuthorization } from '../oauth/authorization-request';
import { checkReturnTo } from '../oauth/return-to';
import type { RequestState } from '../observability/request-log';
import { requireSession } from '../session';

export function connect(integration: Integration): Middleware {
  const { config, store, discovery } = integration;
  return async (ctx) => {
    // HEAD is routed with GET; only a real GET starts a flow.
    if (ctx.method !== 'GET') throw new IntegrationError('method_not_allowed', `${ctx.method} is not allowed here`);
    const parameters = parseQueryParameters(ctx.querystring);
    const session = await requireSession(ctx, store);
    const returnTo = checkReturnTo(parameters.get('return_to'), integration.origin);
    const metadata = await discovery.metadata();
    const pending = createPendingAuthorization({
      issuer: metadata.issuer,
      clientId: config.clientId,
      redirectUri: config.redirectUri,
      scopes: config.scopes,
      sessionId: session.id,
      userId: session.userId,
      returnTo,
      now: integration.now(),
      ttlSeconds: config.pendingAuthorizationTtlSeconds,
    });
    await store.savePendingAuthorization(pending);
    const url = buildAuthorizationUrl(metadata.authorization_endpoint, config.clientId, pending);
    (ctx.state as RequestState).log.info({ flowId: pending.flowId, userId: session.userId }, 'authorization request');
    integration.metrics.flowsStarted.inc();
    ctx.redirect(url.href);
  };
}
