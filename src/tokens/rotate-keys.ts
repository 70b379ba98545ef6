/**
 * Key rotation for tokens at rest: re-encrypt every stored token that is not
 * sealed with the newest key of the ring. Reads accept any key of the ring,
 * so rotation can run while the integration serves users; each connection is
 * rewritten under its lock, the one a refresh takes.
 */
import { openTokens, revocationContext, tokenContext } from '../connection';
import { TokenCipher } from '../crypto/token-cipher';
import type { KeyRing } from '../crypto/key-ring';
import type { Connection, Store } from '../store/store';

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
      const connection: Connection | undefined = await store.findConnection(listed.userId);
      if (!connection || (!stale(connection.sealedAccessToken) && !stale(connection.sealedRefreshToken))) return false;
      const tokens = openTokens(cipher, connection);
      const next = {
        ...connection,
        version: connection.version + 1,
        sealedAccessToken: cipher.encrypt(tokens.accessToken, tokenContext(connection.userId, 'access_token')),
        sealedRefreshToken:
          tokens.refreshToken === undefined ? undefined : cipher.encrypt(tokens.refreshToken, tokenContext(connection.userId, 'refresh_token')),
      };
      return store.updateConnection(next, connection.version);
    });
    if (rotated) connections += 1;
  }
  let revocations = 0;
  for (const revocation of await store.listRevocations()) {
    if (!stale(revocation.sealedToken)) continue;
    const context = revocationContext(revocation.id);
    await store.saveRevocation({ ...revocation, sealedToken: cipher.encrypt(cipher.decrypt(revocation.sealedToken, context), context) });
    revocations += 1;
  }
  return { connections, revocations };
}
