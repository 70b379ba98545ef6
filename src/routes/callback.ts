/**
 * `GET /callback`, steps 2 to 4: validate the authorization response, redeem
 * the code, validate the ID token, then store the connection with its tokens
 * encrypted. Nothing is stored unless every check passed.
 */
import type { Middleware } from 'koa';
import type { Integration } from '../context';
import { parseQueryParameters } from '../http/query-parameters';
import { authorizationCodeGrantRequest } from '../oauth/authorization-code-grant';
import { processTokenResponse } from '../oauth/process-token-response';
import { checkAuthorizationError, checkCode, checkIssuer, checkState } from '../oauth/validate-auth-response';
import { validateIdToken } from '../oauth/validate-id-token';
import { IntegrationError } from '../errors';
import type { RequestState } from '../observability/request-log';
import { requireSession } from '../session';
import type { Session } from '../store/store';
import { sealConnection } from '../connection';

export function callback(integration: Integration): Middleware {
  const { metrics } = integration;
  const steps = callbackSteps(integration);
  return async (ctx, next) => {
    // HEAD is routed with GET; a link scanner's HEAD must not redeem the code.
    if (ctx.method !== 'GET') throw new IntegrationError('method_not_allowed', `${ctx.method} is not allowed here`);
    try {
      await steps(ctx, next);
      metrics.flowsCompleted.inc();
    } catch (error) {
      metrics.flowsFailed.inc({ code: error instanceof IntegrationError ? error.code : 'internal_error' });
      throw error;
    }
  };
}

/**
 * A callback that already connected this very session, arriving again (the
 * back button, a reload): the user lands where that flow landed. Nothing is
 * exchanged again; any other reuse stays `state_already_used`.
 */
async function replayAfterSuccess(integration: Integration, parameters: ReadonlyMap<string, string>, session: Session): Promise<string | undefined> {
  const pending = await integration.store.findPendingAuthorization(parameters.get('state') ?? '');
  if (!pending || pending.sessionId !== session.id) return undefined;
  const connection = await integration.store.findConnection(session.userId);
  if (connection?.status !== 'connected' || connection.connectedAt < pending.createdAt) return undefined;
  return pending.returnTo;
}

function callbackSteps(integration: Integration): Middleware {
  const { config, store, discovery, http, jwks } = integration;
  return async (ctx) => {
    const state = ctx.state as RequestState;
    const parameters = parseQueryParameters(ctx.querystring);
    const session = await requireSession(ctx, store);
    const metadata = await discovery.metadata();

    checkIssuer(parameters, metadata);
    let pending;
    try {
      pending = await checkState(parameters, session, store, integration.now());
    } catch (error) {
      const landing = error instanceof IntegrationError && error.code === 'state_already_used' && (await replayAfterSuccess(integration, parameters, session));
      if (!landing) throw error;
      ctx.status = 303;
      ctx.redirect(landing);
      return;
    }
    state.log = state.log.child({ flowId: pending.flowId });
    checkAuthorizationError(parameters);
    const code = checkCode(parameters);

    const response = await authorizationCodeGrantRequest(http, metadata.token_endpoint, config, code, pending);
    const tokens = processTokenResponse(response, pending.scopes, { idTokenRequired: pending.scopes.includes('openid') });
    const claims = tokens.idToken
      ? await validateIdToken(tokens.idToken, jwks, {
          issuer: metadata.issuer,
          clientId: config.clientId,
          nonce: pending.nonce,
          nonceRequired: true,
          algorithm: config.idTokenSignedResponseAlg,
          jwksUri: metadata.jwks_uri,
          now: integration.now(),
        })
      : undefined;

    const previous = await store.findConnection(pending.userId);
    await store.saveConnection(sealConnection(integration.cipher, { pending, tokens, claims, now: integration.now(), previous }));
    state.log.info({ userId: pending.userId, scopes: tokens.scopes }, 'connected');
    ctx.status = 303;
    ctx.redirect(pending.returnTo);
  };
}
