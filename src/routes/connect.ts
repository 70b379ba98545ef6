/**
 * `GET /connect`, step 1: a pending authorization bound to this session,
 * then a redirect to the provider's authorization endpoint.
 *
 * Incremental authorization: the first connect asks for the configured
 * scopes only (`databases:read`, not `databases:write`). `scope`, when
 * given, names scopes to ask for in addition (each one configured or
 * optional, else `unknown_scope`); the request then asks for the union of
 * the configured scopes, those the current connection holds and those, so
 * an approval never narrows what was granted.
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
  readonly config: Pick<
    Config,
    'clientId' | 'redirectUri' | 'scopes' | 'optionalScopes' | 'pendingAuthorizationTtlSeconds'
  >;
  readonly identity: Identity;
  readonly store: Pick<Store, 'savePendingAuthorization' | 'findConnection'>;
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
    const scopes = await scopesToAsk(deps, user.id, parameters.get('scope'));
    const metadata = await discovery.metadata();
    const pending = createPendingAuthorization({
      issuer: metadata.issuer,
      clientId: config.clientId,
      redirectUri: config.redirectUri,
      scopes,
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

/** The scopes of this authorization request: the configured ones, then those granted now, then those asked for (RFC 6749 3.3). */
async function scopesToAsk(
  deps: ConnectDependencies,
  userId: string,
  asked: string | undefined,
): Promise<readonly string[]> {
  const { config } = deps;
  if (asked === undefined) return config.scopes;
  const extra = asked.split(' ').filter(Boolean);
  const allowed = new Set([...config.scopes, ...config.optionalScopes]);
  if (extra.length === 0 || extra.length > 16 || !extra.every((scope) => allowed.has(scope))) {
    throw new IntegrationError(
      'unknown_scope',
      'the "scope" parameter names a scope this integration does not ask for',
    );
  }
  const granted = (await deps.store.findConnection(userId))?.scopes ?? [];
  return [...new Set([...config.scopes, ...granted, ...extra])];
}
