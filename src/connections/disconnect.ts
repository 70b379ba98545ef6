/**
 * Disconnecting a user (contract 5.7, RFC 7009): under the connection's lock
 * (so no refresh rotates a token meanwhile), the connection is deleted and
 * both its tokens are queued for revocation, sealed, in one change; then the
 * revocation queue tries them at once. What the provider did not confirm
 * stays queued, and the server's timer retries it. Idempotent: a user with
 * no connection is told so, and nothing is revoked.
 */
import type { Logger } from 'pino';

import { openTokens, revocationsOf } from '../crypto/sealed-tokens';
import type { TokenCipher } from '../crypto/token-cipher';
import type { Store } from '../store/store';
import type { RevocationQueue } from './revocation-queue';

export interface DisconnectResult {
  readonly disconnected: boolean;
  /** Tokens still queued because the provider did not confirm their revocation. */
  readonly queued: number;
}

export interface DisconnectUserDependencies {
  readonly store: Pick<Store, 'withConnectionLock' | 'findConnection' | 'deleteConnection'>;
  readonly revocations: Pick<RevocationQueue, 'revokeNow'>;
  readonly cipher: TokenCipher;
  readonly logger: Logger;
  readonly now: () => number;
}

/** The service as the composition root wires it (../integration.ts). */
export type DisconnectUser = (userId: string) => Promise<DisconnectResult>;

/** Forget the user's connection and revoke its tokens; idempotent. */
export async function disconnectUser(deps: DisconnectUserDependencies, userId: string): Promise<DisconnectResult> {
  const { store, cipher, now } = deps;
  const queued = await store.withConnectionLock(userId, async () => {
    const connection = await store.findConnection(userId);
    if (!connection) return undefined;
    const queue = revocationsOf(cipher, userId, openTokens(cipher, connection), now());
    await store.deleteConnection(userId, queue);
    return queue;
  });
  if (!queued) return { disconnected: false, queued: 0 };
  const left = await deps.revocations.revokeNow(queued);
  deps.logger.info({ userId, queued: left }, 'disconnected');
  return { disconnected: true, queued: left };
}
