/**
 * The store interface: everything the integration keeps between requests.
 * The in-memory store implements it for development and the harness; a
 * MySQL store implements it for production and several instances.
 *
 * Tokens reach the store already encrypted (`sealed`): a store never sees a
 * token in the clear.
 */

/** A signed-in user of the integration (the demo sign-in of `POST /session`). */
export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** One authorization request in flight (RFC 6749 4.1.1), found again by its `state`. */
export interface PendingAuthorization {
  readonly state: string;
  /** A short random id for logs and metrics: `state` itself is never logged. */
  readonly flowId: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly issuer: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly returnTo: string;
  /** An upgrade of a connection (`/connect?scope=`, contract 3.7): its account, which the callback must find again. */
  readonly expectedIssuer?: string;
  readonly expectedSubject?: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** When the callback consumed it; a used pending authorization is kept until it expires, to tell a replay. */
  readonly usedAt?: number;
}

export type ConnectionStatus = 'connected' | 'reauth_required';

/** The user's connection to their vendor account. */
export interface Connection {
  readonly userId: string;
  /** Bumped by every write; a write names the version it read (optimistic concurrency). */
  readonly version: number;
  readonly issuer: string;
  /** The ID token's `sub`. */
  readonly subject: string;
  /** Display name and email from the ID token, if released. */
  readonly accountName?: string;
  readonly accountEmail?: string;
  readonly scopes: readonly string[];
  readonly sealedAccessToken: string;
  readonly sealedRefreshToken?: string;
  /** The connection's DPoP private key, sealed like the tokens (RFC 9449); absent for bearer tokens. */
  readonly sealedDpopKey?: string;
  /** Epoch milliseconds; absent when the provider did not say (`expires_in` missing). */
  readonly accessTokenExpiresAt?: number;
  readonly status: ConnectionStatus;
  /** Why the user must connect again (an OAuth error code or a check that failed). */
  readonly reauthReason?: string;
  /** The `nonce` of the original authentication: a refreshed ID token may only repeat it (OpenID Connect Core 12.2). */
  readonly nonce: string;
  readonly connectedAt: number;
  readonly refreshedAt?: number;
}

/** A token that the provider has not yet confirmed revoked (RFC 7009); retried until it is. */
export interface PendingRevocation {
  readonly id: string;
  readonly userId: string;
  readonly sealedToken: string;
  readonly tokenTypeHint: 'refresh_token' | 'access_token';
  readonly attempts: number;
  /** Epoch milliseconds before which it is not retried (backoff, or the provider's Retry-After). */
  readonly notBefore: number;
  readonly createdAt: number;
  readonly lastError?: string;
}

/** How many expired sessions one sign-in sweeps from the store at most. */
export const sessionSweepLimit = 100;

export interface Store {
  /** Store a new session, and sweep up to `sessionSweepLimit` expired ones. */
  createSession(session: Session): Promise<void>;
  findSession(id: string): Promise<Session | undefined>;
  deleteSession(id: string): Promise<void>;

  savePendingAuthorization(pending: PendingAuthorization): Promise<void>;
  findPendingAuthorization(state: string): Promise<PendingAuthorization | undefined>;
  /** Mark it used, atomically: true for exactly one caller, false if it was already used or is gone. */
  consumePendingAuthorization(state: string, at: number): Promise<boolean>;

  /** Create or replace the user's connection, as one write. */
  saveConnection(connection: Connection): Promise<void>;
  findConnection(userId: string): Promise<Connection | undefined>;
  /**
   * Store a new connection in place of the one at `previousVersion` (none
   * there when undefined) and queue the revocations of the tokens it
   * replaces, as one change; false, with nothing written, if someone else
   * wrote first.
   */
  replaceConnection(
    connection: Connection,
    previousVersion: number | undefined,
    revocations: readonly PendingRevocation[],
  ): Promise<boolean>;
  /**
   * Replace the connection only if it is still at `expectedVersion`, queueing
   * the revocations of the tokens it drops, as one change; false, with
   * nothing written, if someone else wrote first.
   */
  updateConnection(
    connection: Connection,
    expectedVersion: number,
    revocations?: readonly PendingRevocation[],
  ): Promise<boolean>;
  /** Every stored connection (for key rotation). */
  listConnections(): Promise<Connection[]>;
  /** Delete the connection and queue its unrevoked tokens, as one change. */
  deleteConnection(userId: string, revocations: readonly PendingRevocation[]): Promise<void>;

  /** Revocations whose `notBefore` has passed, the longest due first (a rescheduled one goes back in line). */
  dueRevocations(now: number, limit: number): Promise<PendingRevocation[]>;
  listRevocations(): Promise<PendingRevocation[]>;
  saveRevocation(revocation: PendingRevocation): Promise<void>;
  /** Queue revocations of tokens nothing keeps (a refresh that lost a race), as one change. */
  queueRevocations(revocations: readonly PendingRevocation[]): Promise<void>;
  deleteRevocation(id: string): Promise<void>;

  /**
   * Run `work` holding the lock of one user's connection: one refresh
   * at a time, across every instance sharing the store.
   */
  withConnectionLock<T>(userId: string, work: () => Promise<T>): Promise<T>;

  /** How many of each record the store holds (for readiness, metrics and tests). */
  counts(): Promise<StoreCounts>;

  close(): Promise<void>;
}

export interface StoreCounts {
  readonly sessions: number;
  readonly pendingAuthorizations: number;
  readonly connections: number;
  readonly revocations: number;
}
