/**
 * A connection as stored: tokens sealed with the token cipher, bound to the
 * user and the field they belong to, plus what the user sees about it.
 */
import type { TokenCipher } from './crypto/token-cipher';
import type { IdTokenClaims } from './oauth/validate-id-token';
import type { TokenEndpointResponse } from './oauth/process-token-response';
import type { Connection, PendingAuthorization } from './store/store';

export type TokenField = 'access_token' | 'refresh_token';

/** The associated data of a sealed token: which user, which field. */
export function tokenContext(userId: string, field: TokenField): string {
  return `connection:${userId}:${field}`;
}

export function sealConnection(
  cipher: TokenCipher,
  input: { pending: PendingAuthorization; tokens: TokenEndpointResponse; claims?: IdTokenClaims; now: number },
): Connection {
  const { pending, tokens, claims, now } = input;
  const userId = pending.userId;
  return {
    userId,
    issuer: pending.issuer,
    subject: claims?.sub ?? '',
    accountName: typeof claims?.name === 'string' ? claims.name : undefined,
    accountEmail: typeof claims?.email === 'string' ? claims.email : undefined,
    scopes: tokens.scopes,
    sealedAccessToken: cipher.encrypt(tokens.accessToken, tokenContext(userId, 'access_token')),
    sealedRefreshToken: tokens.refreshToken && cipher.encrypt(tokens.refreshToken, tokenContext(userId, 'refresh_token')),
    accessTokenExpiresAt: tokens.expiresIn === undefined ? undefined : now + tokens.expiresIn * 1000,
    status: 'connected',
    connectedAt: now,
  };
}
