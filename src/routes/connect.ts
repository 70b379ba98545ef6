/**
 * `GET /connect`, step 1: a pending authorization bound to this session,
 * then a redirect to the provider's authorization endpoint.
 *
 * Incremental authorization (contract 3.7): the first connect asks for the
 * configured scopes only (`databases:read`, not `databases:write`). Every
 * later one asks for the union of those and the scopes the connection holds,
 * so connecting again never narrows what was granted (asking for less is
 * disconnecting first). `scope`, when given, names scopes to ask for in
 * addition (each one configured or optional, else `unknown_scope`): that
 * upgrade must come back as the connection's account.
 */
import type { Config } from '../config';
import { IntegrationError } from '../errors';
import type { IntegrationMiddleware } from '../http/integration-state';
import { parseQueryParameters } from '../http/query-parameters';
import { type Identity, requireUser } from '../identity/identity';
import type { AuthorizationRedirect } from '../oauth/authorization-redirect';
import { createPendingAuthorization } from '../oauth/authorization-request';
import type { Discovery } from '../oauth/discovery';
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
    const { scopes, expectedAccount } = await scopesToAsk(deps, user.id, parameters.get('scope'));
    const metadata = await discovery.metadata();
    const pending = createPendingAuthorization({
      issuer: metadata.issuer,
      clientId: config.clientId,
      redirectUri: config.redirectUri,
      scopes,
      sessionId: user.sessionId,
      userId: user.id,
      returnTo,
      expectedAccount,
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

/**
 * The scopes of this authorization request: the configured ones, then those granted now, then those asked for
 * (RFC 6749 3.3); and, for an upgrade of a connection, its account.
 */
async function scopesToAsk(
  deps: ConnectDependencies,
  userId: string,
  asked: string | undefined,
): Promise<{ scopes: readonly string[]; expectedAccount?: { issuer: string; subject: string } }> {
  const { config } = deps;
  const extra = asked === undefined ? [] : asked.split(' ').filter(Boolean);
  const allowed = new Set([...config.scopes, ...config.optionalScopes]);
  if (asked !== undefined && (extra.length === 0 || extra.length > 16 || !extra.every((scope) => allowed.has(scope)))) {
    throw new IntegrationError(
      'unknown_scope',
      'the "scope" parameter names a scope this integration does not ask for',
    );
  }
  const connection = await deps.store.findConnection(userId);
  const scopes = [...new Set([...config.scopes, ...(connection?.scopes ?? []), ...extra])];
  if (asked === undefined || !connection) return { scopes };
  return { scopes, expectedAccount: { issuer: connection.issuer, subject: connection.subject } };
}
