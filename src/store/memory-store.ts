/**
 * The embedded store: everything in process memory. The default, so that the
 * demo and the harness need nothing installed. Values are copied in and out,
 * so a caller never mutates what is stored.
 */
import {
  type Connection,
  type PendingAuthorization,
  type PendingRevocation,
  type Session,
  sessionSweepLimit,
  type Store,
  type StoreCounts,
} from './store';

export class MemoryStore implements Store {
  private readonly sessions = new Map<string, Session>();
  private readonly pending = new Map<string, PendingAuthorization>();
  private readonly connections = new Map<string, Connection>();
  private readonly revocations = new Map<string, PendingRevocation>();

  constructor(private readonly now: () => number = Date.now) {}

  async createSession(session: Session): Promise<void> {
    this.sweepExpiredSessions();
    this.sessions.set(session.id, { ...session });
  }

  async findSession(id: string): Promise<Session | undefined> {
    const session = this.sessions.get(id);
    if (session && session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session && { ...session };
  }

  async deleteSession(id: string): Promise<void> {
    this.sessions.delete(id);
  }

  async savePendingAuthorization(pending: PendingAuthorization): Promise<void> {
    this.sweepExpiredPendingAuthorizations();
    this.pending.set(pending.state, { ...pending });
  }

  async findPendingAuthorization(state: string): Promise<PendingAuthorization | undefined> {
    const pending = this.pending.get(state);
    return pending && { ...pending };
  }

  async consumePendingAuthorization(state: string, at: number): Promise<boolean> {
    const pending = this.pending.get(state);
    if (!pending || pending.usedAt !== undefined) return false;
    this.pending.set(state, { ...pending, usedAt: at });
    return true;
  }

  async saveConnection(connection: Connection): Promise<void> {
    this.connections.set(connection.userId, { ...connection });
  }

  async findConnection(userId: string): Promise<Connection | undefined> {
    const connection = this.connections.get(userId);
    return connection && { ...connection };
  }

  async replaceConnection(
    connection: Connection,
    previousVersion: number | undefined,
    revocations: readonly PendingRevocation[],
  ): Promise<boolean> {
    if (this.connections.get(connection.userId)?.version !== previousVersion) return false;
    this.connections.set(connection.userId, { ...connection });
    await this.queueRevocations(revocations);
    return true;
  }

  async updateConnection(
    connection: Connection,
    expectedVersion: number,
    revocations: readonly PendingRevocation[] = [],
  ): Promise<boolean> {
    if (this.connections.get(connection.userId)?.version !== expectedVersion) return false;
    this.connections.set(connection.userId, { ...connection });
    await this.queueRevocations(revocations);
    return true;
  }

  async listConnections(): Promise<Connection[]> {
    return [...this.connections.values()].map((connection) => ({ ...connection }));
  }

  async deleteConnection(userId: string, revocations: readonly PendingRevocation[]): Promise<void> {
    this.connections.delete(userId);
    for (const revocation of revocations) this.revocations.set(revocation.id, { ...revocation });
  }

  async dueRevocations(now: number, limit: number): Promise<PendingRevocation[]> {
    return [...this.revocations.values()]
      .filter((revocation) => revocation.notBefore <= now)
      .sort((a, b) => a.notBefore - b.notBefore || a.createdAt - b.createdAt)
      .slice(0, limit)
      .map((revocation) => ({ ...revocation }));
  }

  async listRevocations(): Promise<PendingRevocation[]> {
    return [...this.revocations.values()].map((revocation) => ({ ...revocation }));
  }

  async saveRevocation(revocation: PendingRevocation): Promise<void> {
    this.revocations.set(revocation.id, { ...revocation });
  }

  async queueRevocations(revocations: readonly PendingRevocation[]): Promise<void> {
    for (const revocation of revocations) this.revocations.set(revocation.id, { ...revocation });
  }

  async deleteRevocation(id: string): Promise<void> {
    this.revocations.delete(id);
  }

  private readonly locks = new Map<string, Promise<unknown>>();

  async withConnectionLock<T>(userId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(userId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.locks.set(userId, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(userId) === tail) this.locks.delete(userId);
    }
  }

  async counts(): Promise<StoreCounts> {
    return {
      sessions: this.sessions.size,
      pendingAuthorizations: this.pending.size,
      connections: this.connections.size,
      revocations: this.revocations.size,
    };
  }

  async close(): Promise<void> {}

  /**
   * Each sign-in drops up to `sessionSweepLimit` expired sessions, oldest
   * first: sessions all live equally long, so creation order is expiry order
   * and the sweep stops at the first one still alive.
   */
  private sweepExpiredSessions(): void {
    const now = this.now();
    let swept = 0;
    for (const [id, session] of this.sessions) {
      if (session.expiresAt > now || swept >= sessionSweepLimit) break;
      this.sessions.delete(id);
      swept += 1;
    }
  }

  /**
   * Expired pending authorizations are kept a while (to tell "expired" from
   * "unknown"), then dropped, oldest first: they all live equally long, so
   * insertion order is expiry order (marking one used keeps its place), and
   * the sweep stops at the first one still kept. Each save used to walk
   * every pending authorization: a cost growing with every flow of the day.
   */
  private sweepExpiredPendingAuthorizations(): void {
    const horizon = this.now() - 24 * 3600 * 1000;
    for (const [state, pending] of this.pending) {
      if (pending.expiresAt >= horizon) break;
      this.pending.delete(state);
    }
  }
}
