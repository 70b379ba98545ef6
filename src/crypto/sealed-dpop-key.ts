/**
 * A connection's DPoP private key at rest: sealed with the token cipher
 * (the key id of the ring stored beside the ciphertext, as for the tokens),
 * bound by its associated data to the user and the field, so a sealed key
 * copied to another connection does not open.
 */
import type { JWK } from 'jose';

import { IntegrationError } from '../errors';
import { type DpopKeyPair, dpopKeyPairOf } from '../oauth/dpop';
import type { Connection } from '../store/store';
import type { TokenCipher } from './token-cipher';

export function dpopKeyContext(userId: string): string {
  return `connection:${userId}:dpop_key`;
}

export function sealDpopKey(cipher: TokenCipher, userId: string, key: DpopKeyPair): string {
  return cipher.encrypt(JSON.stringify(key.privateJwk), dpopKeyContext(userId));
}

/** The connection's DPoP key, or undefined for a connection with bearer tokens. */
export function openDpopKey(
  cipher: TokenCipher,
  connection: Pick<Connection, 'userId' | 'sealedDpopKey'>,
): DpopKeyPair | undefined {
  if (connection.sealedDpopKey === undefined) return undefined;
  try {
    return dpopKeyPairOf(
      JSON.parse(cipher.decrypt(connection.sealedDpopKey, dpopKeyContext(connection.userId))) as JWK,
    );
  } catch (error) {
    throw new IntegrationError(
      'encryption_key_unavailable',
      "a connection's stored DPoP key could not be opened with the configured key ring",
      { cause: error },
    );
  }
}
