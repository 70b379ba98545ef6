/**
 * A connection as stored: tokens sealed with the token cipher, bound to the
 * user and the field they belong to, plus what the user sees about it.
 */
import type { TokenCipher } from './crypto/token-cipher';
import { IntegrationError } from './errors';
import type { TokenEndpointResponse } from './oauth/process-token-response';
import type { IdTokenClaims } from './oauth/validate-id-token';
import type { Connection, PendingAuthorization } from './store/store';

export type TokenField = 'access_token' | 'refresh_token';

/** The associated data of a sealed token: which user, which field. */
export function tokenContext(userId: string, field: TokenField): string {
  return `connection:${userId}:${field}`;
}

/** The associated data of a token waiting for revocation. */
export function revocationContext(id: string): string {
  return `revocation:${id}`;
}

/** A new connection from a completed authorization code flow; `previous` is the one it replaces. */
export function sealConnection(
  cipher: TokenCipher,
  input: { pending: PendingAuthorization; tokens: TokenEndpointResponse; claims?: IdTokenClaims; now: number; previous?: Connection },
): Connection {
  const { pending, tokens, claims, now } = input;
  const userId = pending.userId;
  return {
    userId,
    version: (input.previous?.version ?? 0) + 1,
    issuer: pending.issuer,
    subject: claims?.sub ?? '',
    accountName: typeof claims?.name === 'string' ? claims.name : undefined,
    accountEmail: typeof claims?.email === 'string' ? claims.email : undefined,
    scopes: tokens.scopes,
    sealedAccessToken: cipher.encrypt(tokens.accessToken, tokenContext(userId, 'access_token')),
    sealedRefreshToken: tokens.refreshToken && cipher.encrypt(tokens.refreshToken, tokenContext(userId, 'refresh_token')),
    accessTokenExpiresAt: tokens.expiresIn === undefined ? undefined : now + tokens.expiresIn * 1000,
    status: 'connected',
    nonce: pending.nonce,
    connectedAt: now,
  };
}

/**
 * The connection after a refresh: the new access token, the new refresh
 * token when the provider rotated it, the old one kept when it did not send
 * one (RFC 6749 6: the client keeps it unless a new one is issued).
 */
export function sealRefreshedConnection(cipher: TokenCipher, connection: Connection, tokens: TokenEndpointResponse, now: number): Connection {
  const userId = connection.userId;
  return {
    ...connection,
    version: connection.version + 1,
    scopes: tokens.scopes,
    sealedAccessToken: cipher.encrypt(tokens.accessToken, tokenContext(userId, 'access_token')),
    sealedRefreshToken: tokens.refreshToken
      ? cipher.encrypt(tokens.refreshToken, tokenContext(userId, 'refresh_token'))
      : connection.sealedRefreshToken,
    accessTokenExpiresAt: tokens.expiresIn === undefined ? undefined : now + tokens.expiresIn * 1000,
    refreshedAt: now,
  };
}

function open(cipher: TokenCipher, connection: Connection, sealed: string, field: TokenField): string {
  try {
    return cipher.decrypt(sealed, tokenContext(connection.userId, field));
  } catch (error) {
    throw new IntegrationError('encryption_key_unavailable', 'a stored token could not be decrypted with the configured key ring', { cause: error });
  }
}

/** The connection's access token in the clear; `encryption_key_unavailable` when the ring lacks its key. */
export function openAccessToken(cipher: TokenCipher, connection: Connection): string {
  return open(cipher, connection, connection.sealedAccessToken, 'access_token');
}

/** The connection's tokens in the clear; `encryption_key_unavailable` when the ring lacks their key. */
export function openTokens(cipher: TokenCipher, connection: Connection): { accessToken: string; refreshToken?: string } {
  return {
    accessToken: openAccessToken(cipher, connection),
    refreshToken: connection.sealedRefreshToken === undefined ? undefined : open(cipher, connection, connection.sealedRefreshToken, 'refresh_token'),
  };
}
