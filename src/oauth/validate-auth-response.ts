/**
 * Step 2, the callback (RFC 6749 4.1.2), validated in a fixed order as
 * oauth4webapi's validateAuthResponse does: `iss` first (RFC 9207, mix-up),
 * then `state` (RFC 9700 4.7, CSRF; single use, bound to this session,
 * unexpired), then the provider's `error` (RFC 6749 4.1.2.1), then `code`.
 * The pending authorization is consumed only once `state` is proven to
 * belong to this session, so a foreign or forged callback cannot burn it.
 * These steps do no I/O: the caller looks the pending authorization up and
 * consumes it.
 */
import { type ErrorCode, IntegrationError, isErrorCode, isPrintableErrorCode } from '../errors';
import type { PendingAuthorization } from '../store/store';
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

/**
 * `iss` (RFC 9207 2.4): when present, exactly the issuer. It must be there
 * when discovery promises it, and under FAPI 2.0 always, promised or not
 * (FAPI 2.0 Security Profile 5.3.3, contract 5.2): a discovery document that
 * leaves the promise out must not switch the mix-up defence off.
 */
export function checkIssuer(
  parameters: ReadonlyMap<string, string>,
  metadata: ProviderMetadata,
  options: { readonly fapi2?: boolean } = {},
): void {
  const iss = parameters.get('iss');
  if (iss === undefined) {
    if (options.fapi2 === true) {
      throw new IntegrationError(
        'issuer_missing',
        'the "iss" parameter is missing, and FAPI 2.0 requires it (RFC 9207)',
      );
    }
    if (metadata.authorization_response_iss_parameter_supported === true) {
      throw new IntegrationError(
        'issuer_missing',
        'the "iss" parameter is missing, yet the provider promises to send it (RFC 9207)',
      );
    }
    return;
  }
  if (iss !== metadata.issuer) throw new IntegrationError('issuer_mismatch', 'unexpected "iss" parameter value');
}

/** The `state` parameter, which finds the pending authorization it answers. */
export function stateParameter(parameters: ReadonlyMap<string, string>): string {
  const state = parameters.get('state');
  if (!state) throw new IntegrationError('state_missing', 'the "state" parameter is missing');
  return state;
}

/** A state that is ours and this session's: used for the first time, or arriving again after it was used. */
export type StateCheck =
  | { readonly kind: 'fresh'; readonly pending: PendingAuthorization }
  | { readonly kind: 'replayed'; readonly pending: PendingAuthorization };

/**
 * The pending authorization that the `state` parameter found (undefined:
 * none), checked against the session the callback arrived in. A replay is
 * an expected branch, returned for the caller to decide on; the caller
 * consumes a fresh one (atomically: it may turn out to be a replay yet).
 */
export function checkState(pending: PendingAuthorization | undefined, sessionId: string, now: number): StateCheck {
  if (!pending) throw new IntegrationError('state_unknown', 'the "state" parameter matches no authorization request');
  if (pending.sessionId !== sessionId) {
    throw new IntegrationError('state_mismatch', 'the "state" parameter belongs to another browser session');
  }
  if (pending.expiresAt <= now) throw new IntegrationError('state_expired', 'the authorization request has expired');
  return pending.usedAt === undefined ? { kind: 'fresh', pending } : { kind: 'replayed', pending };
}

export function checkAuthorizationError(parameters: ReadonlyMap<string, string>): void {
  const error = parameters.get('error');
  if (error === undefined) return;
  // RFC 9126 2.2: the pushed request's URI expired (or was used) before the user got there.
  if (error === 'invalid_request_uri')
    throw new IntegrationError('authorization_request_expired', 'the provider answered "invalid_request_uri"');
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
