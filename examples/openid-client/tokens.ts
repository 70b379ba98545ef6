/**
 * A connection's tokens through their life: kept from a code exchange,
 * refreshed shortly before expiry or once after a 401 (one refresh per user
 * at a time, the rotated refresh token replacing the old one, the replaced
 * access token revoked unless the provider ends it with the refresh token),
 * revoked at the provider on disconnect (a revocation that fails is queued
 * and tried again later).
 */
import * as client from 'openid-client';

import { dpopHandle } from './fapi2';
import { Problem } from './problems';
import { configuration, problemOf, verifyIdToken } from './provider';
import { settings } from './settings';
import { type Connection, connections, type QueuedRevocation, revocationQueue } from './store';

type TokenResponse = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

/**
 * `expires_in` as an expiry time: whole seconds, at most a year; absent means
 * unknown. Unreadable, a refresh's is transient (contract 5.5).
 */
function expiryOf(
  tokens: TokenResponse,
  now: number,
  refusal: 'invalid_token_response' | 'provider_unavailable' = 'invalid_token_response',
): number | undefined {
  const seconds = tokens.expires_in;
  if (seconds === undefined) return undefined;
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > 366 * 24 * 3600)
    throw new Problem(refusal, 'invalid "expires_in"');
  return now + seconds * 1000;
}

/** The connection a code exchange made, from its validated tokens. */
export function connectionFrom(tokens: TokenResponse): Connection {
  const claims = tokens.claims() as client.IDToken;
  const now = Date.now();
  return {
    status: 'connected',
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: expiryOf(tokens, now),
    scopes: (tokens.scope ?? settings.scopes).split(' ').filter(Boolean),
    issuer: claims.iss,
    subject: claims.sub,
    name: typeof claims.name === 'string' ? claims.name : undefined,
    email: typeof claims.email === 'string' ? claims.email : undefined,
    connectedAt: now,
  };
}

/** The user's connection, or `not_connected` / `reconnect_required`. */
export function connectionOf(userId: string): Connection {
  const connection = connections.get(userId);
  if (!connection) throw new Problem('not_connected', 'no MySQL account is connected');
  if (connection.status !== 'connected') throw new Problem('reconnect_required', 'the connection must be made again');
  return connection;
}

/** A connection whose access token is not about to expire. Within the margin, a provider hiccup keeps the old token. */
export async function usableConnection(userId: string): Promise<Connection> {
  const connection = connectionOf(userId);
  const { expiresAt } = connection;
  if (expiresAt === undefined || expiresAt - settings.refreshMarginMs > Date.now()) return connection;
  try {
    return await refresh(userId, connection);
  } catch (error) {
    if (error instanceof Problem && error.code === 'provider_unavailable' && expiresAt > Date.now()) return connection;
    throw error;
  }
}

const refreshing = new Map<string, Promise<Connection>>();

/** Refresh `stale`; concurrent callers for one user share a single refresh request. */
export function refresh(userId: string, stale: Connection): Promise<Connection> {
  let flight = refreshing.get(userId);
  if (!flight) {
    flight = refreshOnce(userId, stale).finally(() => refreshing.delete(userId));
    refreshing.set(userId, flight);
  }
  return flight;
}

function reauthRequired(current: Connection, userId: string, reason: string): void {
  if (connections.get(userId) === current) connections.set(userId, { ...current, status: 'reauth_required', reason });
}

async function refreshOnce(userId: string, stale: Connection): Promise<Connection> {
  const current = connectionOf(userId);
  if (current !== stale) return current; // refreshed meanwhile
  if (!current.refreshToken) {
    reauthRequired(current, userId, 'no_refresh_token');
    throw new Problem('reconnect_required', 'the connection has no refresh token');
  }
  const config = await configuration();
  let tokens: TokenResponse;
  try {
    // Under FAPI 2.0 the refresh is proved with the connection's key (DPoP, RFC 9449 5).
    const dpop = current.dpopKey ? { DPoP: dpopHandle(config, current.dpopKey) } : {};
    tokens = await client.refreshTokenGrant(config, current.refreshToken, undefined, dpop);
  } catch (error) {
    const problem = problemOf(error, 'refresh');
    if (problem.code === 'invalid_grant') {
      // Unless someone stored newer tokens meanwhile, the grant is gone: the user must connect again.
      if (connections.get(userId) !== current) return connectionOf(userId);
      reauthRequired(current, userId, 'invalid_grant');
      throw new Problem('reconnect_required', 'the provider no longer accepts this connection (invalid_grant)');
    }
    if (problem.code === 'invalid_id_token') reauthRequired(current, userId, 'invalid_id_token');
    throw problem;
  }
  // The provider has rotated the refresh token: from here the new tokens are the only live ones, kept or revoked.
  const next = await keptOrRevoked(tokens, async () => {
    const claims = tokens.claims();
    if (claims && tokens.id_token) {
      if (claims.iss !== current.issuer || claims.sub !== current.subject) {
        reauthRequired(current, userId, 'subject_changed');
        throw new Problem(
          'invalid_id_token',
          'the refreshed ID token names another account (OpenID Connect Core 12.2)',
        );
      }
      try {
        await verifyIdToken(config, tokens.id_token, claims);
      } catch (error) {
        // Keys that cannot be fetched now must not cost the new tokens; a bad signature ends the connection.
        if (!(error instanceof Problem) || error.code === 'invalid_id_token') {
          reauthRequired(current, userId, 'invalid_id_token');
          throw error;
        }
      }
    }
    return {
      ...current,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? current.refreshToken,
      expiresAt: expiryOf(tokens, Date.now(), 'provider_unavailable'),
      scopes: tokens.scope ? tokens.scope.split(' ').filter(Boolean) : current.scopes,
    } satisfies Connection;
  });
  if (connections.get(userId) !== current) {
    // A reconnect replaced the connection meanwhile: these tokens would be kept by no one.
    await revokeTokensOf({ accessToken: next.accessToken, refreshToken: tokens.refresh_token });
    return connectionOf(userId);
  }
  connections.set(userId, next);
  // Contract 5.5: the access token this refresh replaced would outlive a disconnect at a provider that does not end
  // it with the refresh token (RFC 7009 2.1: SHOULD): revoked now, queued when the provider does not confirm it.
  if (settings.providerRevocationScope === 'token' && current.accessToken !== next.accessToken)
    await revokeTokensOf({ accessToken: current.accessToken, refreshToken: undefined });
  return next;
}

/**
 * Tokens a token endpoint issued (a 200) are kept or revoked, never dropped alive (contract 5.3, 5.5): when `keep`
 * refuses them, they are revoked before the refusal goes on.
 */
export async function keptOrRevoked<T>(tokens: client.TokenEndpointResponse, keep: () => Promise<T>): Promise<T> {
  try {
    return await keep();
  } catch (error) {
    await revokeTokensOf({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
    throw error;
  }
}

/**
 * Revoke one token at the provider (RFC 7009): true when confirmed, or when the provider offers no revocation
 * endpoint (nothing to ask, so nothing queued: contract 5.7), else the provider's Retry-After (ms), if any.
 */
async function revoke(item: {
  token: string;
  hint: QueuedRevocation['hint'];
}): Promise<true | { retryAfterMs?: number }> {
  try {
    const config = await configuration();
    if (!config.serverMetadata().revocation_endpoint) return true;
    await client.tokenRevocation(config, item.token, { token_type_hint: item.hint });
    return true;
  } catch (error) {
    const retryAfter = Number(problemOf(error, 'refresh').extra.retryAfter);
    return retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {};
  }
}

/**
 * Queue a revocation the provider did not confirm: due after its
 * Retry-After, or the interval doubled per failure (at most an hour).
 */
function queue(
  item: { token: string; hint: QueuedRevocation['hint'] },
  attempts: number,
  failure: { retryAfterMs?: number },
): void {
  const wait = failure.retryAfterMs ?? Math.min(settings.revocationRetryMs * 2 ** (attempts - 1), 3_600_000);
  if (attempts < 20) revocationQueue.push({ ...item, attempts, dueAt: Date.now() + wait });
}

/** Revoke a connection's refresh token, then its access token; false when one of them is queued for later. */
export async function revokeTokensOf(connection: Pick<Connection, 'accessToken' | 'refreshToken'>): Promise<boolean> {
  const items: { token: string; hint: QueuedRevocation['hint'] }[] = [
    { token: connection.accessToken, hint: 'access_token' },
  ];
  if (connection.refreshToken) items.unshift({ token: connection.refreshToken, hint: 'refresh_token' });
  let confirmed = true;
  for (const item of items) {
    const result = await revoke(item);
    if (result !== true) {
      queue(item, 1, result);
      confirmed = false;
    }
  }
  return confirmed;
}

/**
 * What a disconnect tells of its revocations (contract 5.7): `done`, `pending` (one queued), or `not_offered`
 * (discovery names no revocation_endpoint: nothing sent, nothing queued; the tokens live until they expire there).
 */
export type RevocationState = 'done' | 'pending' | 'not_offered';

/** Whether discovery names a revocation_endpoint (RFC 8414 2); a configuration that cannot be had counts as offered. */
async function revocationOffered(): Promise<boolean> {
  try {
    return Boolean((await configuration()).serverMetadata().revocation_endpoint);
  } catch {
    return true;
  }
}

/** Disconnect: forget the connection here, and revoke its tokens at the provider. */
export async function disconnect(userId: string): Promise<RevocationState> {
  const connection = connections.get(userId);
  if (!connection) return 'done';
  connections.delete(userId);
  if (!(await revocationOffered())) return 'not_offered';
  return (await revokeTokensOf(connection)) ? 'done' : 'pending';
}

/** Try the queued revocations that are due now. */
export async function retryRevocations(): Promise<void> {
  const now = Date.now();
  for (const item of revocationQueue.filter((queued) => queued.dueAt <= now)) {
    revocationQueue.splice(revocationQueue.indexOf(item), 1);
    const result = await revoke(item);
    if (result !== true) queue({ token: item.token, hint: item.hint }, item.attempts + 1, result);
  }
}
