/**
 * Tokens at rest: each token sealed with the token cipher and bound, by its
 * associated data, to the record and field it belongs to, so a sealed token
 * copied into another row or field does not open. Sealing a connection's
 * tokens is written here once, for a new connection, a refresh and a key
 * rotation alike; and so is sealing a token for the revocation queue.
 */
import { randomUUID } from 'node:crypto';

import { IntegrationError } from '../errors';
import type { Connection, PendingRevocation } from '../store/store';
import type { TokenCipher } from './token-cipher';

export type TokenField = 'access_token' | 'refresh_token';

/** The associated data of a connection's sealed token: which user, which field. */
export function tokenContext(userId: string, field: TokenField): string {
  return `connection:${userId}:${field}`;
}

/** The associated data of a token waiting for revocation. */
export function revocationContext(id: string): string {
  return `revocation:${id}`;
}

export interface ClearTokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
}

export type SealedTokens = Pick<Connection, 'sealedAccessToken' | 'sealedRefreshToken'>;

/** A user's tokens sealed with the newest key of the ring. */
export function sealTokens(cipher: TokenCipher, userId: string, tokens: ClearTokens): SealedTokens {
  return {
    sealedAccessToken: cipher.encrypt(tokens.accessToken, tokenContext(userId, 'access_token')),
    sealedRefreshToken:
      tokens.refreshToken === undefined
        ? undefined
        : cipher.encrypt(tokens.refreshToken, tokenContext(userId, 'refresh_token')),
  };
}

function open(cipher: TokenCipher, connection: Connection, sealed: string, field: TokenField): string {
  try {
    return cipher.decrypt(sealed, tokenContext(connection.userId, field));
  } catch (error) {
    throw new IntegrationError(
      'encryption_key_unavailable',
      'a stored token could not be decrypted with the configured key ring',
      { cause: error },
    );
  }
}

/** The connection's access token in the clear; `encryption_key_unavailable` when the ring lacks its key. */
export function openAccessToken(cipher: TokenCipher, connection: Connection): string {
  return open(cipher, connection, connection.sealedAccessToken, 'access_token');
}

/** The connection's tokens in the clear; `encryption_key_unavailable` when the ring lacks their key. */
export function openTokens(cipher: TokenCipher, connection: Connection): ClearTokens {
  return {
    accessToken: openAccessToken(cipher, connection),
    refreshToken:
      connection.sealedRefreshToken === undefined
        ? undefined
        : open(cipher, connection, connection.sealedRefreshToken, 'refresh_token'),
  };
}

/**
 * The queue entries revoking tokens nothing will use again, each sealed
 * under its entry's own id: the refresh token first (in most providers that
 * ends the whole grant), then the access token. A token left undefined is
 * not queued.
 */
export function revocationsOf(
  cipher: TokenCipher,
  userId: string,
  tokens: { readonly refreshToken?: string; readonly accessToken?: string },
  now: number,
): PendingRevocation[] {
  const candidates = [
    ['refresh_token', tokens.refreshToken],
    ['access_token', tokens.accessToken],
  ] as const;
  return candidates.flatMap(([hint, token], index) => {
    if (token === undefined) return [];
    const id = randomUUID();
    const at = now + index;
    return [
      {
        id,
        userId,
        sealedToken: cipher.encrypt(token, revocationContext(id)),
        tokenTypeHint: hint,
        attempts: 0,
        notBefore: at,
        createdAt: at,
      },
    ];
  });
}
