/**
 * The glue's store, beside the sessions and connections of the openid-client
 * example's (`../openid-client/store.ts`, library-neutral): one pending
 * authorization per browser session (the libraries' READMEs keep the state
 * and the verifier in a cookie: the latest connect replaces the one before),
 * and the states issued, read only to name a refusal the library made
 * (contract 5.2), never to decide one.
 */
import type { PendingAuthorization } from './library';

export const pendingBySession = new Map<string, PendingAuthorization>();

export interface IssuedState {
  readonly sessionId: string;
  readonly expiresAt: number;
  usedAt?: number;
}

export const issuedStates = new Map<string, IssuedState>();

/** The session's pending authorization, while it lives (PENDING_AUTHORIZATION_TTL_SECONDS, as a cookie's max-age). */
export function pendingOf(sessionId: string): PendingAuthorization | undefined {
  const pending = pendingBySession.get(sessionId);
  if (pending && pending.expiresAt <= Date.now()) {
    pendingBySession.delete(sessionId);
    return undefined;
  }
  return pending;
}

/** Forget states long past their lifetime. */
export function forgetOldStates(now: number, ttlMs: number): void {
  for (const [state, issued] of issuedStates) if (issued.expiresAt + ttlMs < now) issuedStates.delete(state);
}
