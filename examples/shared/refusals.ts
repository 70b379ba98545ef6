/**
 * Refusals named as the contract names them (4.2, 5.2, 5.3, 5.6): the
 * library decides whether to refuse, this only says which code it is.
 */
import { authorizationError, Problem } from '../openid-client/problems';
import type { Session } from '../openid-client/store';
import type { ProviderAnswer } from './library';
import { issuedStates } from './store';

/** A callback the library refused for its state: which of contract 5.2's state codes it is. */
export function stateRefusal(query: Map<string, string>, session: Session): Problem {
  const state = query.get('state');
  if (state === undefined) return new Problem('state_missing', 'the callback has no state');
  const issued = issuedStates.get(state);
  if (!issued) return new Problem('state_unknown', 'no authorization request has this state');
  if (issued.sessionId !== session.id)
    return new Problem('state_mismatch', 'the state belongs to another browser session');
  if (issued.usedAt !== undefined) return new Problem('state_already_used', 'this state was already used');
  if (issued.expiresAt <= Date.now()) return new Problem('state_expired', 'the authorization request has expired');
  return new Problem('state_unknown', 'the state is not the one this session is waiting for');
}

/** The provider's `error` (contract 5.2 step 6), else the `code` (step 7): where a README's callback reads the code. */
export function codeOf(query: URLSearchParams): string {
  const error = query.get('error');
  if (error !== null) throw authorizationError(error, query.get('error_description') ?? undefined);
  const code = query.get('code');
  if (!code) throw new Problem('code_missing', 'the callback has no code');
  return code;
}

/** A failed provider call as the contract's code (5.3 for the code exchange, 5.5 and 5.6 for a refresh). */
export function providerProblem(step: 'discovery' | 'code' | 'refresh', answer: ProviderAnswer | undefined): Problem {
  const retryAfter = answer?.retryAfter;
  const unavailable = () =>
    new Problem('provider_unavailable', 'the provider could not answer', retryAfter ? { retryAfter } : {});
  if (answer?.unreachable) return unavailable();
  const status = answer?.status;
  if (status === 429 || status === 503) return unavailable();
  if (step === 'discovery')
    return status !== undefined && status >= 500
      ? unavailable()
      : new Problem('provider_error', 'the provider answered discovery wrongly');
  if (status !== undefined && status >= 500)
    return step === 'code' ? new Problem('provider_error', `the provider answered ${status}`) : unavailable();
  if (answer?.error === 'invalid_grant' || answer?.error === 'invalid_client')
    return new Problem(answer.error, `the provider refused the grant (${answer.error})`);
  if (answer?.error !== undefined) return new Problem('token_request_failed', 'the provider refused the token request');
  if (status !== undefined && status !== 200)
    return step === 'code' ? new Problem('provider_error', `the provider answered ${status}`) : unavailable();
  return step === 'code' ? new Problem('invalid_token_response', 'the token response was refused') : unavailable();
}

/**
 * Whether a fetch failed for want of an answer: refused, reset,
 * dropped or timed out (not a response it could not read).
 */
export function unreachable(error: unknown): boolean {
  if (error instanceof DOMException) return error.name === 'TimeoutError' || error.name === 'AbortError';
  return error instanceof TypeError && error.message === 'fetch failed';
}
