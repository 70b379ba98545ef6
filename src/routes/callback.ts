/**
 * `GET /callback`, steps 2 to 4: validate the authorization response, redeem
 * the code, validate the ID token, then store the connection with its tokens
 * encrypted. Nothing is stored unless every check passed, and tokens issued
 * to a callback that is then refused are revoked (contract 5.3). An upgrade
 * must come back as the connection's account (contract 3.7). A callback that
 * arrives again after its flow connected (the back button, a reload) just
 * lands the user, and counts as a replay, not as another completed flow.
 */
import type { Config } from '../config';
import { sealConnection } from '../connections/connection-record';
import { checkSameAccount } from '../connections/check-same-account';
import { keptOrRevoked } from '../connections/issued-tokens';
import { revocationsOf, type RevocationQueue } from '../connections/revocation-queue';
import { sealDpopKey } from '../crypto/sealed-dpop-key';
import { openTokens } from '../crypto/sealed-tokens';
import type { TokenCipher } from '../crypto/token-cipher';
import { IntegrationError } from '../errors';
import type { IntegrationContext, IntegrationMiddleware } from '../http/integration-state';
import type { ProviderClient } from '../http/provider-client';
import { parseQueryParameters } from '../http/query-parameters';
import { requireUser, type CurrentUser, type Identity } from '../identity/identity';
import { authorizationCodeGrantRequest } from '../oauth/authorization-code-grant';
import type { Discovery } from '../oauth/discovery';
import { generateDpopKey, type DpopNonces } from '../oauth/dpop';
import type { JwksCache } from '../oauth/jwks';
import type { ClientAuthentication } from '../oauth/token-endpoint-auth';
import { processTokenResponse } from '../oauth/process-token-response';
import {
  checkAuthorizationError,
  checkCode,
  checkIssuer,
  checkState,
  stateParameter,
  type StateCheck,
} from '../oauth/validate-auth-response';
import { idTokenExpectations, validateIdToken } from '../oauth/validate-id-token';
import type { Metrics } from '../observability/metrics';
import type { Connection, PendingAuthorization, Store } from '../store/store';

export interface CallbackDependencies {
  readonly config: Pick<Config, 'clientId' | 'idTokenSignedResponseAlg' | 'dpop' | 'fapi2'>;
  readonly clientAuthentication: ClientAuthentication;
  /** The servers' last DPoP nonces (DPOP=true). */
  readonly dpopNonces: DpopNonces;
  readonly identity: Identity;
  readonly store: Pick<
    Store,
    'findPendingAuthorization' | 'consumePendingAuthorization' | 'findConnection' | 'replaceConnection'
  >;
  readonly revocations: Pick<RevocationQueue, 'revokeNow' | 'revokeIssued'>;
  readonly discovery: Pick<Discovery, 'metadata'>;
  readonly http: ProviderClient;
  readonly jwks: JwksCache;
  readonly cipher: TokenCipher;
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
  const { config, store, discovery, http, jwks, now } = deps;
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

  // DPoP (RFC 9449): the connection's own key, made for this exchange; kept, sealed, only if the connection is.
  const dpopKey = config.dpop ? generateDpopKey() : undefined;
  const dpop = dpopKey && { key: dpopKey, nonces: deps.dpopNonces, now };
  const response = await authorizationCodeGrantRequest(
    http,
    metadata.token_endpoint,
    deps.clientAuthentication,
    code,
    pending,
    dpop,
  );
  const tokens = await keptOrRevoked(deps.revocations, pending.userId, response, async () => {
    const tokens = processTokenResponse(response, pending.scopes, {
      idTokenRequired: pending.scopes.includes('openid'),
      dpop: dpop !== undefined,
    });
    const claims = tokens.idToken
      ? await validateIdToken(
          tokens.idToken,
          jwks,
          idTokenExpectations(metadata, config, { value: pending.nonce, required: true }, now()),
        )
      : undefined;
    checkSameAccount(pending, claims);
    const sealedDpopKey = dpopKey && sealDpopKey(deps.cipher, pending.userId, dpopKey);
    await storeReplacing(deps, pending.userId, (previous) => ({
      ...sealConnection(deps.cipher, { pending, tokens, claims, now: now(), previous }),
      ...(sealedDpopKey ? { sealedDpopKey } : {}),
    }));
    return tokens;
  });
  ctx.state.log.info({ userId: pending.userId, scopes: tokens.scopes }, 'connected');
  ctx.status = 303;
  ctx.redirect(pending.returnTo);
  return 'connected';
}

/**
 * Store the new connection in place of the user's previous one, queueing the
 * previous one's tokens for revocation in the same change (no grant is left
 * alive behind a reconnect), then revoke them. If a refresh of the previous
 * connection wrote meanwhile, its newer tokens are the ones replaced.
 */
async function storeReplacing(
  deps: CallbackDependencies,
  userId: string,
  connectionAfter: (previous: Connection | undefined) => Connection,
): Promise<void> {
  const { store, cipher, now } = deps;
  for (let attempt = 0; ; attempt += 1) {
    const previous = await store.findConnection(userId);
    const replaced = previous ? revocationsOf(cipher, userId, openTokens(cipher, previous), now()) : [];
    if (await store.replaceConnection(connectionAfter(previous), previous?.version, replaced)) {
      if (replaced.length > 0) await deps.revocations.revokeNow(replaced);
      return;
    }
    if (attempt === 4)
      throw new IntegrationError('store_unavailable', 'the connection kept changing while it was being replaced');
  }
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
