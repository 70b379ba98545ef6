/**
 * The provider's signing keys, generated at start: one RS256 key (the
 * algorithm the integration registers) and one ES256 key (so a test can show
 * that a token signed with a valid but unregistered algorithm is refused).
 */
import { randomUUID } from 'node:crypto';

import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface SigningKey {
  readonly alg: 'RS256' | 'ES256';
  readonly privateJwk: JWK & { kid: string; alg: string };
  readonly publicJwk: JWK & { kid: string; alg: string };
}

export async function generateSigningKey(alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return {
    alg,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}

export async function generateSigningKeys(): Promise<SigningKey[]> {
  return Promise.all([generateSigningKey('RS256'), generateSigningKey('ES256')]);
}
