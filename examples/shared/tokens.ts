/**
 * A connection's tokens, as the library hands them over: stored, refreshed
 * when about to expire or after a 401 (contract 5.5), revoked on disconnect
 * when the library can. Nothing here is a check the library would make:
 * concurrent callers each refresh (no single flight), what a refresh returns
 * replaces what was stored (the old refresh token kept only if the library
 * keeps it), an unconfirmed revocation is not queued.
 */
import { Problem } from '../openid-client/problems';
import { settings } from '../openid-client/settings';
import { type Connection, connections } from '../openid-client/store';
import { providerMetadata } from './discovery';
import type { AccountClaims, OAuthLibrary, Tokens } from './library';
import { providerProblem } from './refusals';

/**
 * The ID token's payload read without any check: what a library that does not
 * validate ID tokens leaves (contract 3.4 needs the account).
 */
export function unverifiedClaims(idToken: string | undefined): AccountClaims {
  try {
    const payload: unknown = JSON.parse(Buffer.from(idToken?.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null ? payload : {};
  } catch {
    return {};
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The connection a code exchange made. */
export function connectionFrom(tokens: Tokens, askedScope: string): Connection {
  const claims = tokens.claims ?? unverifiedClaims(tokens.idToken);
  return {
    status: 'connected',
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt,
    scopes: (tokens.scope ?? askedScope).split(' ').filter(Boolean),
    issuer: text(claims.iss) ?? '',
    subject: text(claims.sub) ?? '',
    name: text(claims.name),
    email: text(claims.email),
    connectedAt: Date.now(),
  };
}

/** The user's connection, or `not_connected` / `reconnect_required`. */
export function connectionOf(userId: string): Connection {
  const connection = connections.get(userId);
  if (!connection) throw new Problem('not_connected', 'no MySQL account is connected');
  if (connection.status !== 'connected') throw new Problem('reconnect_required', 'the connection must be made again');
  return connection;
}

/** Refresh the connection with the library; `invalid_grant` loses the connection (contract 5.5). */
export async function refresh(library: OAuthLibrary, userId: string, stale: Connection): Promise<Connection> {
  if (!stale.refreshToken) throw new Problem('reconnect_required', 'the connection has no refresh token');
  let tokens: Tokens;
  try {
    tokens = await library.refresh(stale);
  } catch (error) {
    const problem = error instanceof Problem ? error : providerProblem('refresh', library.answerOf(error));
    if (problem.code === 'invalid_grant') {
      if (connections.get(userId) === stale)
        connections.set(userId, { ...stale, status: 'reauth_required', reason: 'invalid_grant' });
      throw new Problem('reconnect_required', 'the provider no longer accepts this connection (invalid_grant)');
    }
    throw problem;
  }
  const next: Connection = {
    ...stale,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt,
    scopes: tokens.scope ? tokens.scope.split(' ').filter(Boolean) : stale.scopes,
  };
  connections.set(userId, next);
  return next;
}

/** A connection whose access token is not about to expire (REFRESH_MARGIN_SECONDS, contract 5.5). */
export async function usableConnection(library: OAuthLibrary, userId: string): Promise<Connection> {
  const connection = connectionOf(userId);
  const { expiresAt } = connection;
  if (expiresAt === undefined || expiresAt - settings.refreshMarginMs > Date.now()) return connection;
  try {
    return await refresh(library, userId, connection);
  } catch (error) {
    // Within the margin, a provider that cannot answer now keeps the token that still works (contract 5.5, 5.6).
    if (error instanceof Problem && error.code === 'provider_unavailable' && expiresAt > Date.now()) return connection;
    throw error;
  }
}

/**
 * Revoke with the library: true when it said nothing went wrong. A library without revocation (client-oauth2)
 * confirms nothing: false, so a disconnect answers `pending`, never `done` (contract 5.7).
 */
export async function revokeWith(library: OAuthLibrary, connection: Connection): Promise<boolean> {
  if (!library.revoke) return false;
  try {
    await library.revoke(connection);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a disconnect tells of its revocations (contract 5.7): `done`, `pending` (not confirmed), or `not_offered`
 * (discovery names no revocation_endpoint: nothing is sent, the tokens live until they expire at the provider).
 */
export type RevocationState = 'done' | 'pending' | 'not_offered';

/** Whether discovery names a revocation_endpoint (RFC 8414 2); metadata that cannot be had counts as offered. */
async function revocationOffered(): Promise<boolean> {
  try {
    return Boolean((await providerMetadata()).revocation_endpoint);
  } catch {
    return true;
  }
}

/** Disconnect: forget the connection here, and revoke its tokens as the library does. */
export async function disconnect(library: OAuthLibrary, userId: string): Promise<RevocationState> {
  const connection = connections.get(userId);
  if (!connection) return 'done';
  connections.delete(userId);
  if (!(await revocationOffered())) return 'not_offered';
  return (await revokeWith(library, connection)) ? 'done' : 'pending';
}
