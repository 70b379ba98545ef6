/**
 * Key rotation for tokens at rest: re-seal every stored token that is not
 * sealed with the newest key of the ring. Reads accept any key of the ring,
 * so rotation can run while the integration serves users; each connection is
 * rewritten under its lock, the one a refresh takes.
 */
import type { Store } from '../store/store';
import type { KeyRing } from './key-ring';
import { openDpopKey, sealDpopKey } from './sealed-dpop-key';
import { openTokens, revocationContext, sealTokens } from './sealed-tokens';
import { TokenCipher } from './token-cipher';

export interface RotationReport {
  readonly connections: number;
  readonly revocations: number;
}

export async function rotateKeys(store: Store, ring: KeyRing): Promise<RotationReport> {
  const cipher = new TokenCipher(ring);
  const stale = (sealed: string | undefined) => sealed !== undefined && TokenCipher.keyIdOf(sealed) !== ring.current;
  let connections = 0;
  for (const listed of await store.listConnections()) {
    // Under the connection's lock, as a refresh is: the two never interleave, so neither loses the other's write.
    const rotated = await store.withConnectionLock(listed.userId, async () => {
      const connection = await store.findConnection(listed.userId);
      if (
        !connection ||
        (!stale(connection.sealedAccessToken) &&
          !stale(connection.sealedRefreshToken) &&
          !stale(connection.sealedDpopKey))
      )
        return false;
      const resealed = sealTokens(cipher, connection.userId, openTokens(cipher, connection));
      // The DPoP key (RFC 9449) is re-sealed with the tokens: it must outlive the old key too.
      const dpopKey = openDpopKey(cipher, connection);
      const sealedDpopKey = dpopKey && sealDpopKey(cipher, connection.userId, dpopKey);
      return store.updateConnection(
        { ...connection, version: connection.version + 1, ...resealed, ...(sealedDpopKey ? { sealedDpopKey } : {}) },
        connection.version,
      );
    });
    if (rotated) connections += 1;
  }
  let revocations = 0;
  for (const revocation of await store.listRevocations()) {
    if (!stale(revocation.sealedToken)) continue;
    const context = revocationContext(revocation.id);
    await store.saveRevocation({
      ...revocation,
      sealedToken: cipher.encrypt(cipher.decrypt(revocation.sealedToken, context), context),
    });
    revocations += 1;
  }
  return { connections, revocations };
}
