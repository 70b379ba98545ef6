/**
 * Disconnecting a user (contract 5.7, RFC 7009): under the connection's lock
 * (so no refresh rotates a token meanwhile), the connection is deleted and
 * both its tokens are queued for revocation, sealed, in one change; then the
 * revocation queue tries them at once. What the provider did not confirm
 * stays queued, and the server's timer retries it. A provider that offers
 * no revocation endpoint gets nothing sent and nothing queued: the
 * connection is forgotten all the same, and the answer says `not_offered`.
 * Idempotent: a user with no connection is told so, and nothing is revoked.
 */
import type { Logger } from 'pino';

import { openTokens, revocationsOf } from '../crypto/sealed-tokens';
import type { TokenCipher } from '../crypto/token-cipher';
import type { Store } from '../store/store';
import type { RevocationQueue, RevocationState } from './revocation-queue';

export interface DisconnectResult {
  readonly disconnected: boolean;
  /** What became of the tokens at the provider (contract 5.7). */
  readonly revocation: RevocationState;
}

export interface DisconnectUserDependencies {
  readonly store: Pick<Store, 'withConnectionLock' | 'findConnection' | 'deleteConnection'>;
  readonly revocations: Pick<RevocationQueue, 'revokeNow' | 'offered'>;
  readonly cipher: TokenCipher;
  readonly logger: Logger;
  readonly now: () => number;
}

/** The service as the composition root wires it (../integration.ts). */
export type DisconnectUser = (userId: string) => Promise<DisconnectResult>;

/** Forget the user's connection and revoke its tokens; idempotent. */
export async function disconnectUser(deps: DisconnectUserDependencies, userId: string): Promise<DisconnectResult> {
  const { store, cipher, now } = deps;
  // Asked before the lock: it may fetch the provider's metadata, which no refresh should wait for.
  const offered = await deps.revocations.offered();
  const queued = await store.withConnectionLock(userId, async () => {
    const connection = await store.findConnection(userId);
    if (!connection) return undefined;
    const queue = offered ? revocationsOf(cipher, userId, openTokens(cipher, connection), now()) : [];
    await store.deleteConnection(userId, queue);
    return queue;
  });
  if (!queued) return { disconnected: false, revocation: 'done' };
  if (!offered) {
    deps.logger.info(
      { userId, revocation: 'not_offered' },
      'disconnected; the provider offers no revocation endpoint: the tokens live until they expire there',
    );
    return { disconnected: true, revocation: 'not_offered' };
  }
  const left = await deps.revocations.revokeNow(queued);
  deps.logger.info({ userId, queued: left }, 'disconnected');
  return { disconnected: true, revocation: left > 0 ? 'pending' : 'done' };
}
