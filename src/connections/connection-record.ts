/**
 * The connection record as stored: what a completed authorization code flow
 * or a refresh writes. Its tokens are sealed (../crypto/sealed-tokens.ts);
 * every write bumps its version (optimistic concurrency).
 */
import { sealTokens } from '../crypto/sealed-tokens';
import type { TokenCipher } from '../crypto/token-cipher';
import type { TokenEndpointResponse } from '../oauth/process-token-response';
import type { IdTokenClaims } from '../oauth/validate-id-token';
import type { Connection, PendingAuthorization } from '../store/store';
import type { AccountProfile } from './account-profile';

const expiresAt = (tokens: TokenEndpointResponse, now: number) =>
  tokens.expiresIn === undefined ? undefined : now + tokens.expiresIn * 1000;

/**
 * A new connection from a completed authorization code flow; `previous` is
 * the one it replaces. The account's name and email are `profile`'s (the ID
 * token's, or userinfo's: ./account-profile.ts), else the ID token's claims.
 */
export function sealConnection(
  cipher: TokenCipher,
  input: {
    pending: PendingAuthorization;
    tokens: TokenEndpointResponse;
    claims?: IdTokenClaims;
    profile?: AccountProfile;
    now: number;
    previous?: Connection;
  },
): Connection {
  const { pending, tokens, claims, profile, now } = input;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    userId: pending.userId,
    version: (input.previous?.version ?? 0) + 1,
    issuer: pending.issuer,
    subject: claims?.sub ?? '',
    accountName: profile?.name ?? text(claims?.name),
    accountEmail: profile?.email ?? text(claims?.email),
    scopes: tokens.scopes,
    ...sealTokens(cipher, pending.userId, tokens),
    accessTokenExpiresAt: expiresAt(tokens, now),
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
export function sealRefreshedConnection(
  cipher: TokenCipher,
  connection: Connection,
  tokens: TokenEndpointResponse,
  now: number,
): Connection {
  const sealed = sealTokens(cipher, connection.userId, tokens);
  return {
    ...connection,
    version: connection.version + 1,
    scopes: tokens.scopes,
    sealedAccessToken: sealed.sealedAccessToken,
    sealedRefreshToken: sealed.sealedRefreshToken ?? connection.sealedRefreshToken,
    accessTokenExpiresAt: expiresAt(tokens, now),
    refreshedAt: now,
  };
}
