/**
 * The provider's storage: an in-memory adapter of oidc-provider's Adapter
 * interface, one storage per provider instance (so two mocks in one process
 * never share grants), with expiry and grant-wide revocation.
 *
 * oidc-provider's revocation endpoint destroys the token presented, then
 * always revokes every token of its grant through `revokeByGrantId`
 * (`revokeGrantPolicy` decides only whether the Grant record goes too). For
 * revocation per token, the mock runs the endpoint inside
 * `oneTokenRevocation`, and the grant's other tokens are left alone.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

import type { Adapter, AdapterPayload } from 'oidc-provider';

/** While a request runs inside it, revoking "by grant" spares the grant's other tokens. */
export const oneTokenRevocation = new AsyncLocalStorage<true>();

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

export class MemoryStorage {
  readonly entries = new Map<string, Entry>();
  readonly grants = new Map<string, Set<string>>();
  readonly sessionUids = new Map<string, string>();
  readonly userCodes = new Map<string, string>();

  /** `now`: the mock's clock (clock.ts). */
  constructor(readonly now: () => number) {}

  /** Revoke every grant of an account: the grant and every token issued under it. How many grants. */
  revokeGrantsOf(accountId: string): number {
    let revoked = 0;
    for (const [key, entry] of [...this.entries]) {
      if (!key.startsWith('Grant:') || entry.payload.accountId !== accountId) continue;
      const grantId = key.slice('Grant:'.length);
      for (const member of this.grants.get(grantId) ?? []) this.entries.delete(member);
      this.grants.delete(grantId);
      this.entries.delete(key);
      revoked += 1;
    }
    return revoked;
  }

  get(key: string): AdapterPayload | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }
}

class MemoryAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly storage: MemoryStorage,
  ) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const key = this.key(id);
    const expiresAt = expiresIn ? this.storage.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
    this.storage.entries.set(key, { payload, expiresAt });
    if (payload.grantId) {
      const members = this.storage.grants.get(payload.grantId) ?? new Set<string>();
      members.add(key);
      this.storage.grants.set(payload.grantId, members);
    }
    if (this.model === 'Session' && payload.uid) this.storage.sessionUids.set(payload.uid, id);
    if (payload.userCode) this.storage.userCodes.set(payload.userCode, id);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.storage.get(this.key(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = this.storage.sessionUids.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = this.storage.userCodes.get(userCode);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id: string): Promise<void> {
    const payload = this.storage.get(this.key(id));
    if (payload) payload.consumed = Math.floor(this.storage.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.storage.entries.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    if (oneTokenRevocation.getStore()) return;
    for (const key of this.storage.grants.get(grantId) ?? []) this.storage.entries.delete(key);
    this.storage.grants.delete(grantId);
  }
}

/** An adapter factory bound to one storage, as oidc-provider's `adapter` option expects. */
export function memoryAdapter(storage: MemoryStorage): (model: string) => Adapter {
  return (model) => new MemoryAdapter(model, storage);
}
