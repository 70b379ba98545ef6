/**
 * Disconnecting (RFC 7009): revoke the refresh token first (in oidc-provider
 * and most providers that revokes the whole grant), then the access token,
 * then delete the local tokens whatever the provider said. A token the
 * provider did not confirm revoked is queued, sealed, and retried later:
 * after `Retry-After` when the provider sent one, otherwise with bounded
 * exponential backoff, until it is confirmed or given up.
 */
import { randomUUID } from 'node:crypto';
import { openTokens, revocationContext } from '../connection';
import type { Integration } from '../context';
import { revocationRequest, type RevocationOutcome } from '../oauth/revocation-request';
import type { PendingRevocation } from '../store/store';

const maxBackoffMs = 3600 * 1000;

export interface DisconnectResult {
  readonly disconnected: boolean;
  /** Tokens queued because the provider did not confirm their revocation. */
  readonly queued: number;
}

export class Revocations {
  constructor(private readonly integration: Integration) {}

  /** Revoke and delete the user's connection; idempotent. */
  async disconnect(userId: string): Promise<DisconnectResult> {
    const { store, cipher, now } = this.integration;
    const connection = await store.findConnection(userId);
    if (!connection) return { disconnected: false, queued: 0 };
    const tokens = openTokens(cipher, connection);
    const queue: PendingRevocation[] = [];
    const candidates = [
      ['refresh_token', tokens.refreshToken],
      ['access_token', tokens.accessToken],
    ] as const;
    for (const [hint, token] of candidates) {
      if (token === undefined) continue;
      const outcome = await this.revoke(token, hint);
      if (!outcome.done) queue.push(this.pending(userId, token, hint, 1, outcome, now()));
    }
    await store.deleteConnection(userId, queue);
    this.integration.logger.info({ userId, queued: queue.length }, 'disconnected');
    return { disconnected: true, queued: queue.length };
  }

  /** Retry the queued revocations that are due; how many were confirmed. */
  async retryDue(limit = 100): Promise<number> {
    const { store, cipher, now, logger, config } = this.integration;
    let confirmed = 0;
    for (const revocation of await store.dueRevocations(now(), limit)) {
      const token = cipher.decrypt(revocation.sealedToken, revocationContext(revocation.id));
      const outcome = await this.revoke(token, revocation.tokenTypeHint);
      if (outcome.done) {
        await store.deleteRevocation(revocation.id);
        confirmed += 1;
      } else if (revocation.attempts + 1 >= config.revocationMaxAttempts) {
        await store.deleteRevocation(revocation.id);
        logger.error({ userId: revocation.userId, attempts: revocation.attempts + 1, reason: outcome.reason }, 'revocation given up');
      } else {
        await store.saveRevocation(this.pending(revocation.userId, token, revocation.tokenTypeHint, revocation.attempts + 1, outcome, now(), revocation));
      }
    }
    return confirmed;
  }

  private async revoke(token: string, hint: 'refresh_token' | 'access_token'): Promise<RevocationOutcome> {
    const { http, config, now } = this.integration;
    let endpoint: string | undefined;
    try {
      endpoint = (await this.integration.discovery.metadata()).revocation_endpoint;
    } catch (error) {
      return { done: false, reason: (error as Error).message };
    }
    // A provider without a revocation endpoint cannot be asked; the local tokens go all the same.
    if (!endpoint) return { done: true };
    return revocationRequest(http, endpoint, config, token, hint, now());
  }

  private pending(
    userId: string,
    token: string,
    hint: 'refresh_token' | 'access_token',
    attempts: number,
    outcome: Extract<RevocationOutcome, { done: false }>,
    now: number,
    previous?: PendingRevocation,
  ): PendingRevocation {
    const id = previous?.id ?? randomUUID();
    const backoffMs = Math.min(maxBackoffMs, this.integration.config.revocationRetryIntervalSeconds * 1000 * 2 ** (attempts - 1));
    const waitMs = outcome.retryAfterSeconds === undefined ? backoffMs : Math.min(maxBackoffMs, outcome.retryAfterSeconds * 1000);
    return {
      id,
      userId,
      sealedToken: previous?.sealedToken ?? this.integration.cipher.encrypt(token, revocationContext(id)),
      tokenTypeHint: hint,
      attempts,
      notBefore: now + waitMs,
      createdAt: previous?.createdAt ?? now,
      lastError: outcome.reason,
    };
  }
}
