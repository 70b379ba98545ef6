/**
 * The token manager: every use of a connection's tokens goes through here.
 *
 * - `withAccessToken(userId, send)`: the only way to use an access token.
 *   It is refreshed shortly before it expires, and once after `send`
 *   answers 401; then `send` is tried once more.
 * - Single flight: concurrent callers for one connection share one refresh.
 * - Rotation: the newest refresh token replaces the old one in one write; a
 *   response without `refresh_token` keeps the old one.
 * - A refreshed ID token must name the same `iss` and `sub`.
 * - `invalid_grant`: re-read the store first (someone may have rotated the
 *   token meanwhile), then mark the connection `reauth_required`.
 * - Transient failures (5xx, 429, timeout) keep the tokens and the status.
 * - Tokens the provider issued that nothing keeps (a refresh that lost to a
 *   reconnect; a 200 refused after all: its fields, its ID token) are queued
 *   for revocation, then revoked: never just dropped (contract 5.5).
 * - The access token a refresh replaces is queued for revocation in the same
 *   write that stores the refresh, then revoked once the lock is released,
 *   unless the provider ends a grant's access tokens with its refresh token
 *   (PROVIDER_REVOCATION_SCOPE=grant): otherwise it would outlive a
 *   disconnect (contract 5.5, RFC 7009 2.1; docs/decisions.md,
 *   `replaced-access-token-revoked`).
 */
import type { Logger } from 'pino';

import type { Config } from '../config';
import { openDpopKey } from '../crypto/sealed-dpop-key';
import { openAccessToken, openTokens, revocationsOf } from '../crypto/sealed-tokens';
import type { TokenCipher } from '../crypto/token-cipher';
import { IntegrationError } from '../errors';
import type { ProviderClient, ProviderResponse } from '../http/provider-client';
import type { ClientAuthentication } from '../oauth/client-authentication';
import type { Discovery, ProviderMetadata } from '../oauth/discovery';
import type { DpopBinding, DpopNonces } from '../oauth/dpop';
import { jose } from '../oauth/jose';
import type { JwksCache } from '../oauth/jwks';
import { processTokenResponse } from '../oauth/process-token-response';
import { refreshTokenGrantRequest } from '../oauth/refresh-token-grant';
import { tokenEndpointError } from '../oauth/token-endpoint-error';
import { idTokenExpectations, validateIdToken } from '../oauth/validate-id-token';
import type { Metrics } from '../observability/metrics';
import { SingleFlight } from '../single-flight';
import type { Connection, PendingRevocation, Store } from '../store/store';
import { sealRefreshedConnection } from './connection-record';
import { keptOrRevoked } from './issued-tokens';
import type { RevocationQueue } from './revocation-queue';

export interface TokenManagerDependencies {
  readonly config: Pick<
    Config,
    'clientId' | 'idTokenSignedResponseAlg' | 'refreshMarginSeconds' | 'providerRevocationScope'
  >;
  readonly store: Pick<Store, 'findConnection' | 'updateConnection' | 'withConnectionLock'>;
  readonly revocations: Pick<RevocationQueue, 'revokeIssued' | 'revokeNow'>;
  readonly cipher: TokenCipher;
  readonly discovery: Pick<Discovery, 'metadata'>;
  readonly http: ProviderClient;
  readonly clientAuthentication: ClientAuthentication;
  /** The servers' last DPoP nonces (RFC 9449 8, 9). */
  readonly dpopNonces: DpopNonces;
  readonly jwks: JwksCache;
  readonly metrics: Pick<Metrics, 'refreshes'>;
  readonly logger: Logger;
  readonly now: () => number;
}

/** A refresh's outcome: the connection to use, and the revocations its store write queued (the replaced token). */
interface Refreshed {
  readonly connection: Connection;
  readonly replaced: readonly PendingRevocation[];
}

export class TokenManager {
  private readonly flight = new SingleFlight<Connection>();

  constructor(private readonly deps: TokenManagerDependencies) {}

  /**
   * Call `send` with the user's access token (refreshed first when it is
   * about to expire). When it answers 401, refresh once and call it once
   * more; its last answer is returned, whatever it is.
   */
  async withAccessToken<R extends { readonly statusCode: number }>(
    userId: string,
    send: (accessToken: string, dpop: DpopBinding | undefined) => Promise<R>,
  ): Promise<R> {
    const connection = await this.usable(userId);
    const response = await send(openAccessToken(this.deps.cipher, connection), this.dpopOf(connection));
    if (response.statusCode !== 401) return response;
    const refreshed = await this.refresh(connection);
    return send(openAccessToken(this.deps.cipher, refreshed), this.dpopOf(refreshed));
  }

  /** The connection's DPoP key and the servers' nonces; undefined for a connection with bearer tokens. */
  private dpopOf(connection: Connection): DpopBinding | undefined {
    const key = openDpopKey(this.deps.cipher, connection);
    return key && { key, nonces: this.deps.dpopNonces, now: this.deps.now };
  }

  /** The user's connection, or `not_connected` / `reconnect_required`. */
  private async connectionOf(userId: string): Promise<Connection> {
    const connection = await this.deps.store.findConnection(userId);
    if (!connection) throw new IntegrationError('not_connected', 'no MySQL account is connected');
    if (connection.status === 'reauth_required') {
      throw new IntegrationError(
        'reconnect_required',
        `the connection must be made again (${connection.reauthReason ?? 'unknown reason'})`,
      );
    }
    return connection;
  }

  /** A connection whose access token is not about to expire (refreshing it first if needed). */
  private async usable(userId: string): Promise<Connection> {
    const connection = await this.connectionOf(userId);
    const expiresAt = connection.accessTokenExpiresAt;
    const now = this.deps.now();
    if (expiresAt === undefined || expiresAt - this.deps.config.refreshMarginSeconds * 1000 > now) return connection;
    try {
      return await this.refresh(connection);
    } catch (error) {
      // Within the margin the old access token still works: a provider hiccup need not fail the call.
      if (error instanceof IntegrationError && error.code === 'provider_unavailable' && expiresAt > now)
        return connection;
      throw error;
    }
  }

  /**
   * Refresh after `stale` was found wanting (expiring, or refused with 401). One refresh per connection at a time.
   * The access token it replaced, queued by the same store write, is revoked once the lock is released (one attempt
   * now; the queue retries what the provider does not confirm).
   */
  private refresh(stale: Connection): Promise<Connection> {
    const { refreshes } = this.deps.metrics;
    return this.flight.run(stale.userId, async () => {
      let refreshed: Refreshed;
      try {
        refreshed = await this.refreshOnce(stale);
      } catch (error) {
        refreshes.inc({ outcome: error instanceof IntegrationError ? error.code : 'internal_error' });
        throw error;
      }
      const { connection, replaced } = refreshed;
      refreshes.inc({ outcome: connection.version === stale.version + 1 ? 'success' : 'already_refreshed' });
      if (replaced.length > 0) await this.deps.revocations.revokeNow(replaced);
      return connection;
    });
  }

  /** One refresh, holding the connection's lock so that no other instance refreshes it meanwhile. */
  private refreshOnce(stale: Connection): Promise<Refreshed> {
    return this.deps.store.withConnectionLock(stale.userId, () => this.refreshLocked(stale));
  }

  private async refreshLocked(stale: Connection): Promise<Refreshed> {
    const { discovery, http, cipher } = this.deps;
    // Re-read under the lock: another instance may have refreshed while we waited for it.
    const current = await this.connectionOf(stale.userId);
    if (current.version !== stale.version) return { connection: current, replaced: [] }; // refreshed meanwhile
    const { refreshToken } = openTokens(cipher, current);
    if (!refreshToken) {
      await this.reauthRequired(current, 'no_refresh_token');
      throw new IntegrationError('reconnect_required', 'the connection has no refresh token; it must be made again');
    }

    const metadata = await discovery.metadata();
    const dpop = this.dpopOf(current);
    const response = await refreshTokenGrantRequest(
      http,
      metadata.token_endpoint,
      this.deps.clientAuthentication,
      refreshToken,
      dpop,
    ).catch((error: unknown) => {
      throw this.transient(error);
    });
    if (response.statusCode !== 200) {
      const refused = tokenEndpointError(response);
      if (refused.code === 'invalid_grant') return { connection: await this.afterInvalidGrant(current), replaced: [] };
      throw this.transient(refused);
    }
    // From here the provider has rotated the refresh token: the tokens it issued are kept, or revoked.
    return keptOrRevoked(this.deps.revocations, current.userId, response, () =>
      this.keepRefreshed(current, response, metadata, dpop !== undefined),
    );
  }

  /**
   * The tokens of a refresh's 200 response, checked, then stored in place of the old ones; the access token they
   * replace is queued for revocation in that same write, unless the provider ends it with the grant's refresh token.
   */
  private async keepRefreshed(
    current: Connection,
    response: ProviderResponse<string>,
    metadata: ProviderMetadata,
    dpop: boolean,
  ): Promise<Refreshed> {
    const { store, cipher, logger } = this.deps;
    let tokens;
    try {
      tokens = processTokenResponse(response, current.scopes, { idTokenRequired: false, dpop });
    } catch (error) {
      throw this.transient(error);
    }
    const problem = tokens.idToken ? await this.checkRefreshedIdToken(tokens.idToken, current, metadata) : undefined;
    if (problem) {
      await this.reauthRequired(current, problem.reason);
      throw problem.error;
    }

    const next = sealRefreshedConnection(cipher, current, tokens, this.deps.now());
    const replaced = this.replacedAccessToken(current, tokens.accessToken);
    if (!(await store.updateConnection(next, current.version, replaced))) {
      // Only a writer that does not take the lock gets here (a reconnect
      // in the browser): its connection is the newer one.
      await this.deps.revocations.revokeIssued(current.userId, tokens);
      return { connection: await this.connectionOf(current.userId), replaced: [] };
    }
    logger.info({ userId: current.userId, rotated: Boolean(tokens.refreshToken) }, 'tokens refreshed');
    return { connection: next, replaced };
  }

  /**
   * The revocation of the access token a refresh replaces (RFC 7009 2.1: a provider SHOULD, not MUST, end a grant's
   * access tokens with its refresh token): none when the provider is known to (PROVIDER_REVOCATION_SCOPE=grant),
   * or when it answered the same access token again.
   */
  private replacedAccessToken(current: Connection, newAccessToken: string): PendingRevocation[] {
    if (this.deps.config.providerRevocationScope === 'grant') return [];
    const { cipher, now } = this.deps;
    const accessToken = openAccessToken(cipher, current);
    if (accessToken === newAccessToken) return [];
    return revocationsOf(cipher, current.userId, { accessToken }, now());
  }

  /**
   * A refreshed ID token must verify and name the same `iss` and `sub`. A
   * token that fails is a reason to stop trusting the connection. If the
   * keys cannot be fetched just now, its `iss` and `sub` are compared all
   * the same, unverified, and a mismatch is refused; when they match, the
   * new tokens are kept (losing them would lose the grant): the token came
   * straight from the token endpoint over TLS, with our client
   * authentication (OpenID Connect Core 3.1.3.7 item 6).
   */
  private async checkRefreshedIdToken(
    idToken: string,
    current: Connection,
    metadata: ProviderMetadata,
  ): Promise<{ reason: string; error: IntegrationError } | undefined> {
    try {
      const expected = idTokenExpectations(
        metadata,
        this.deps.config,
        { value: current.nonce, required: false },
        this.deps.now(),
      );
      const claims = await validateIdToken(idToken, this.deps.jwks, expected);
      if (claims.iss === current.issuer && claims.sub === current.subject) return undefined;
      return {
        reason: 'subject_changed',
        error: new IntegrationError(
          'invalid_id_token',
          'ID token: the refreshed token names another "iss" or "sub" (OpenID Connect Core 12.2)',
        ),
      };
    } catch (error) {
      if (error instanceof IntegrationError && error.code === 'invalid_id_token')
        return { reason: 'invalid_id_token', error };
      if (!namesSameAccount(idToken, current)) {
        return {
          reason: 'subject_changed',
          error: new IntegrationError(
            'invalid_id_token',
            'ID token: the refreshed token names another "iss" or "sub" (OpenID Connect Core 12.2)',
          ),
        };
      }
      this.deps.logger.warn(
        { userId: current.userId, error: (error as Error).message },
        'refreshed ID token not verified now: keys unavailable; tokens kept',
      );
      return undefined;
    }
  }

  /**
   * `invalid_grant`: unless the store already holds newer tokens, the grant is gone and the user must connect again.
   */
  private async afterInvalidGrant(used: Connection): Promise<Connection> {
    const current = await this.connectionOf(used.userId);
    if (current.version !== used.version) return current;
    const after = await this.reauthRequired(current, 'invalid_grant');
    if (after.status === 'connected') return after;
    throw new IntegrationError('reconnect_required', 'the provider no longer accepts this connection (invalid_grant)');
  }

  /** Mark the connection `reauth_required`, unless someone stored newer tokens meanwhile: then theirs is returned. */
  private async reauthRequired(connection: Connection, reason: string): Promise<Connection> {
    const marked: Connection = {
      ...connection,
      version: connection.version + 1,
      status: 'reauth_required',
      reauthReason: reason,
    };
    if (await this.deps.store.updateConnection(marked, connection.version)) {
      this.deps.logger.warn({ userId: connection.userId, reason }, 'connection needs to be made again');
      return marked;
    }
    return (await this.deps.store.findConnection(connection.userId)) ?? marked;
  }

  /**
   * Any other failure of the token endpoint during a refresh: the provider is
   * unavailable (its Retry-After passed on); nothing changes.
   */
  private transient(error: unknown): IntegrationError {
    if (
      error instanceof IntegrationError &&
      [
        'invalid_client',
        'token_request_failed',
        'provider_unavailable',
        'dpop_nonce_loop',
        'token_not_dpop_bound',
      ].includes(error.code)
    )
      return error;
    const message = error instanceof Error ? error.message : String(error);
    return new IntegrationError('provider_unavailable', `the refresh failed: ${message}`, { cause: error });
  }
}

/**
 * Whether an ID token, read without verifying it, names the
 * connection's issuer and subject; false when it cannot be read.
 */
function namesSameAccount(idToken: string, connection: Connection): boolean {
  try {
    const claims = jose().decodeJwt(idToken);
    return claims.iss === connection.issuer && claims.sub === connection.subject;
  } catch {
    return false;
  }
}
