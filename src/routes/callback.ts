/**
 * `GET /callback`, step 2 and the HTTP of steps 3 and 4: the authorization
 * response read from the query and checked (`iss`, `state`, the provider's
 * `error`, `code`: ../oauth/validate-auth-response.ts), then completed by the
 * service (../connections/complete-authorization.ts: the exchange, the ID
 * token, the account of an upgrade, the connection stored), then the redirect
 * or, from the error handler, the error page. A callback that arrives again
 * after its flow connected (the back button, a reload) just lands the user,
 * and counts as a replay, not as another completed flow.
 */
import type { Config } from '../config';
import type { CompleteAuthorization } from '../connections/complete-authorization';
import { IntegrationError } from '../errors';
import type { IntegrationContext, IntegrationMiddleware } from '../http/integration-state';
import { parseQueryParameters } from '../http/query-parameters';
import { type CurrentUser, type Identity, requireUser } from '../identity/identity';
import type { Discovery } from '../oauth/discovery';
import {
  checkAuthorizationError,
  checkCode,
  checkIssuer,
  checkState,
  type StateCheck,
  stateParameter,
} from '../oauth/validate-auth-response';
import type { Metrics } from '../observability/metrics';
import type { PendingAuthorization, Store } from '../store/store';

export interface CallbackDependencies {
  readonly config: Pick<Config, 'fapi2'>;
  readonly identity: Identity;
  readonly store: Pick<Store, 'findPendingAuthorization' | 'consumePendingAuthorization' | 'findConnection'>;
  readonly discovery: Pick<Discovery, 'metadata'>;
  /** The exchange, the checks of its answer and the connection stored. */
  readonly completeAuthorization: CompleteAuthorization;
  readonly metrics: Pick<Metrics, 'flowsCompleted' | 'flowsFailed' | 'callbackReplays'>;
  readonly now: () => number;
}

export function callback(deps: CallbackDependencies): IntegrationMiddleware {
  const { metrics } = deps;
  return async (ctx) => {
    // HEAD is routed with GET; a link scanner's HEAD must not redeem the code.
    if (ctx.method !== 'GET') throw new IntegrationError('method_not_allowed', 'this method is not allowed here');
    try {
      const outcome = await handleCallback(deps, ctx);
      if (outcome === 'connected') metrics.flowsCompleted.inc();
      else metrics.callbackReplays.inc();
    } catch (error) {
      metrics.flowsFailed.inc({ code: error instanceof IntegrationError ? error.code : 'internal_error' });
      throw error;
    }
  };
}

async function handleCallback(deps: CallbackDependencies, ctx: IntegrationContext): Promise<'connected' | 'replayed'> {
  const { config, store, discovery, now } = deps;
  const parameters = parseQueryParameters(ctx.querystring);
  const user = await requireUser(deps.identity, ctx);
  const metadata = await discovery.metadata();

  checkIssuer(parameters, metadata, { fapi2: config.fapi2 });
  const state = stateParameter(parameters);
  const checked = await consumed(
    store,
    checkState(await store.findPendingAuthorization(state), user.sessionId, now()),
    now(),
  );
  if (checked.kind === 'replayed') {
    const landing = await replayLanding(store, checked.pending, user);
    ctx.status = 303;
    ctx.redirect(landing);
    return 'replayed';
  }
  const { pending } = checked;
  ctx.state.log = ctx.state.log.child({ flowId: pending.flowId });
  checkAuthorizationError(parameters);
  const code = checkCode(parameters);

  const connection = await deps.completeAuthorization({ pending, code, metadata });
  ctx.state.log.info({ userId: pending.userId, scopes: connection.scopes }, 'connected');
  ctx.status = 303;
  ctx.redirect(pending.returnTo);
  return 'connected';
}

/** A fresh state is consumed here, atomically: if another request consumed it first, this one is a replay. */
async function consumed(store: CallbackDependencies['store'], checked: StateCheck, now: number): Promise<StateCheck> {
  if (checked.kind === 'replayed' || (await store.consumePendingAuthorization(checked.pending.state, now)))
    return checked;
  return { kind: 'replayed', pending: checked.pending };
}

/**
 * Where a replayed callback lands: where its flow landed, when that flow
 * connected this user (the back button, a reload). Nothing is exchanged
 * again; any other reuse is `state_already_used`.
 */
async function replayLanding(
  store: CallbackDependencies['store'],
  pending: PendingAuthorization,
  user: CurrentUser,
): Promise<string> {
  const connection = await store.findConnection(user.id);
  if (connection?.status !== 'connected' || connection.connectedAt < pending.createdAt) {
    throw new IntegrationError('state_already_used', 'the "state" parameter was already used');
  }
  return pending.returnTo;
}
