/**
 * Key rotation for tokens at rest: re-encrypt every stored token that is not
 * sealed with the newest key of the ring. Reads accept any key of the ring,
 * so rotation can run while the integration serves users; each connection is
 * rewritten with a version check, and retried if a refresh wrote first.
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
    let connection: Connection | undefined = listed;
    for (let attempt = 0; connection && attempt < 3; attempt += 1) {
      if (!stale(connection.sealedAccessToken) && !stale(connection.sealedRefreshToken)) break;
      const tokens = openTokens(cipher, connection);
      const next = {
        ...connection,
        version: connection.version + 1,
        sealedAccessToken: cipher.encrypt(tokens.accessToken, tokenContext(connection.userId, 'access_token')),
        sealedRefreshToken:
          tokens.refreshToken === undefined ? undefined : cipher.encrypt(tokens.refreshToken, tokenContext(connection.userId, 'refresh_token')),
      };
      if (await store.updateConnection(next, connection.version)) {
        connections += 1;
        break;
      }
      connection = await store.findConnection(connection.userId);
    }
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
