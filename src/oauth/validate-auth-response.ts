/**
 * Step 2, the callback (RFC 6749 4.1.2), validated in a fixed order as
 * oauth4webapi's validateAuthResponse does: `iss` first (RFC 9207, mix-up),
 * then `state` (RFC 9700 4.7, CSRF; single use, bound to this session,
 * unexpired), then the provider's `error` (RFC 6749 4.1.2.1), then `code`.
 * The pending authorization is consumed only once `state` is proven to
 * belong to this session, so a foreign or forged callback cannot burn it.
 */
import { IntegrationError, isErrorCode, isPrintableErrorCode, type ErrorCode } from '../errors';
import type { PendingAuthorization, Session, Store } from '../store/store';
import type { ProviderMetadata } from './discovery';

/** The errors a provider may send back (RFC 6749 4.1.2.1, OpenID Connect Core 3.1.2.6). */
const providerErrors = new Set<ErrorCode>([
  'access_denied',
  'invalid_request',
  'unauthorized_client',
  'unsupported_response_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
  'login_required',
  'consent_required',
  'interaction_required',
]);

export function checkIssuer(parameters: ReadonlyMap<string, string>, metadata: ProviderMetadata): void {
  const iss = parameters.get('iss');
  if (iss === undefined) {
    if (metadata.authorization_response_iss_parameter_supported === true) {
      throw new IntegrationError('issuer_missing', 'the "iss" parameter is missing, yet the provider promises to send it (RFC 9207)');
    }
    return;
  }
  if (iss !== metadata.issuer) throw new IntegrationError('issuer_mismatch', 'unexpected "iss" parameter value');
}

export async function checkState(
  parameters: ReadonlyMap<string, string>,
  session: Session,
  store: Store,
  now: number,
): Promise<PendingAuthorization> {
  const state = parameters.get('state');
  if (!state) throw new IntegrationError('state_missing', 'the "state" parameter is missing');
  const pending = await store.findPendingAuthorization(state);
  if (!pending) throw new IntegrationError('state_unknown', 'the "state" parameter matches no authorization request');
  if (pending.sessionId !== session.id) {
    throw new IntegrationError('state_mismatch', 'the "state" parameter belongs to another browser session');
  }
  if (pending.expiresAt <= now) throw new IntegrationError('state_expired', 'the authorization request has expired');
  if (!(await store.consumePendingAuthorization(state, now))) {
    throw new IntegrationError('state_already_used', 'the "state" parameter was already used');
  }
  return pending;
}

export function checkAuthorizationError(parameters: ReadonlyMap<string, string>): void {
  const error = parameters.get('error');
  if (error === undefined) return;
  const rawDescription = parameters.get('error_description');
  const description = rawDescription === undefined ? undefined : rawDescription.slice(0, 300);
  if (isErrorCode(error) && providerErrors.has(error)) {
    throw new IntegrationError(error, `the provider answered "${error}"`, { description });
  }
  const shown = isPrintableErrorCode(error) ? ` "${error}"` : '';
  throw new IntegrationError('authorization_failed', `the provider answered with the error${shown}`, { description });
}

export function checkCode(parameters: ReadonlyMap<string, string>): string {
  const code = parameters.get('code');
  if (!code) throw new IntegrationError('code_missing', 'the "code" parameter is missing');
  return code;
}
