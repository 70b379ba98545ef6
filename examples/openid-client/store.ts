/**
 * The in-memory store: sessions, pending authorizations (one per connect,
 * keyed by its state), connections (one per user) and queued revocations.
 * A connection is replaced, never changed in place, so whoever holds the
 * old object can tell that it was refreshed meanwhile. Swap this for a
 * database, with the tokens encrypted, in a real deployment.
 */
export interface Session {
  readonly id: string;
  readonly userId: string;
}

export interface PendingAuthorization {
  readonly state: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly returnTo: string;
  /** Under FAPI 2.0: the key pair the tokens of this attempt are bound to (DPoP), the connection's from then on. */
  readonly dpopKey?: CryptoKeyPair;
  /** An upgrade (`/connect?scope=`): the account of the connection it upgrades, which must come back. */
  readonly expectedAccount?: { readonly issuer: string; readonly subject: string };
  readonly createdAt: number;
  readonly expiresAt: number;
  usedAt?: number;
}

export interface Connection {
  readonly status: 'connected' | 'reauth_required';
  readonly reason?: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch milliseconds; undefined when the provider did not say. */
  readonly expiresAt?: number;
  readonly scopes: readonly string[];
  readonly issuer: string;
  readonly subject: string;
  readonly name?: string;
  readonly email?: string;
  readonly connectedAt: number;
  /** Under FAPI 2.0: the connection's DPoP key pair; its tokens are usable only with a proof of it. */
  readonly dpopKey?: CryptoKeyPair;
}

export interface QueuedRevocation {
  readonly token: string;
  readonly hint: 'refresh_token' | 'access_token';
  readonly attempts: number;
  /** Epoch milliseconds. */
  readonly dueAt: number;
}

export const sessions = new Map<string, Session>();
export const pendingAuthorizations = new Map<string, PendingAuthorization>();
export const connections = new Map<string, Connection>();
export const revocationQueue: QueuedRevocation[] = [];

/** Forget pending authorizations long past their lifetime (kept a while to answer `state_already_used`). */
export function forgetOldAttempts(now: number, ttlMs: number): void {
  for (const [state, pending] of pendingAuthorizations)
    if (pending.expiresAt + ttlMs < now) pendingAuthorizations.delete(state);
}
