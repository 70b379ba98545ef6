/**
 * The revocation queue (RFC 7009): tokens nothing will use again (a
 * disconnect, a reconnect, the access token a refresh replaced, a refresh
 * that lost a race, a 200 refused after the fact), queued sealed in the same
 * store change that drops them, then
 * revoked, the refresh token first (in oidc-provider and most providers that
 * revokes the whole grant), then the access token. A token the provider did
 * not confirm revoked stays queued and is retried later: after `Retry-After`
 * when the provider sent one, otherwise with bounded exponential backoff,
 * until it is confirmed or given up. A provider whose metadata names no
 * `revocation_endpoint` (RFC 8414 2) offers no revocation: nothing is sent,
 * and a disconnect queues nothing and says so (contract 5.7, `not_offered`).
 */
import type { Logger } from 'pino';

import type { Config } from '../config';
import { revocationContext, revocationsOf } from '../crypto/sealed-tokens';
import type { TokenCipher } from '../crypto/token-cipher';
import type { ProviderClient } from '../http/provider-client';
import type { ClientAuthentication } from '../oauth/client-authentication';
import type { Discovery } from '../oauth/discovery';
import { type RevocationOutcome, revocationRequest } from '../oauth/revocation-request';
import type { PendingRevocation, Store } from '../store/store';

const maxBackoffMs = 3600 * 1000;

/**
 * What a disconnect tells of its revocations (contract 5.7): `done` (the
 * provider confirmed them, or there was nothing to revoke), `pending` (one
 * is queued), `not_offered` (the provider offers no revocation endpoint:
 * nothing sent, nothing queued; the tokens live until they expire there).
 */
export type RevocationState = 'done' | 'pending' | 'not_offered';

/** One attempt's end: confirmed, or left queued for a retry, or not offered by the provider (dropped). */
type Attempt = 'confirmed' | 'left' | 'not_offered';

export interface RevocationQueueDependencies {
  readonly config: Pick<Config, 'revocationMaxAttempts' | 'revocationRetryIntervalSeconds'>;
  readonly store: Pick<Store, 'dueRevocations' | 'saveRevocation' | 'queueRevocations' | 'deleteRevocation'>;
  readonly cipher: TokenCipher;
  readonly discovery: Pick<Discovery, 'metadata'>;
  readonly http: ProviderClient;
  readonly clientAuthentication: ClientAuthentication;
  readonly logger: Logger;
  readonly now: () => number;
}

export class RevocationQueue {
  private retrying = false;

  constructor(private readonly deps: RevocationQueueDependencies) {}

  /**
   * One attempt now at revocations just queued (a disconnect, a reconnect,
   * a refresh's replaced access token); how many stay queued. Never throws.
   */
  async revokeNow(queued: readonly PendingRevocation[]): Promise<number> {
    let left = 0;
    for (const revocation of queued) if ((await this.attempt(revocation)) === 'left') left += 1;
    return left;
  }

  /**
   * Whether the provider offers revocation: its metadata names a
   * `revocation_endpoint` (RFC 8414 2, RFC 7009 2). Metadata that cannot be
   * had now counts as offered: the tokens are queued, and the retries find out.
   */
  async offered(): Promise<boolean> {
    try {
      return Boolean((await this.deps.discovery.metadata()).revocation_endpoint);
    } catch {
      return true;
    }
  }

  /**
   * Tokens the provider issued that nothing will keep (a token response
   * refused after its 200, contract 5.3; a refresh that lost a race): queued,
   * then one attempt now. A queue that cannot be written still gets the
   * attempt. Never throws.
   */
  async revokeIssued(
    userId: string,
    tokens: { readonly refreshToken?: string; readonly accessToken?: string },
  ): Promise<void> {
    const { store, cipher, now, logger } = this.deps;
    let queued: PendingRevocation[] = [];
    try {
      queued = revocationsOf(cipher, userId, tokens, now());
      if (queued.length === 0) return;
      await store.queueRevocations(queued);
    } catch (error) {
      logger.warn(
        { userId, error: (error as Error).message },
        'issued tokens not queued for revocation; one attempt now',
      );
    }
    await this.revokeNow(queued);
  }

  /** Retry the queued revocations that are due; how many were confirmed. One run at a time. */
  async retryDue(limit = 100): Promise<number> {
    if (this.retrying) return 0;
    this.retrying = true;
    try {
      let confirmed = 0;
      for (const revocation of await this.deps.store.dueRevocations(this.deps.now(), limit)) {
        if ((await this.attempt(revocation)) === 'confirmed') confirmed += 1;
      }
      return confirmed;
    } finally {
      this.retrying = false;
    }
  }

  /**
   * One attempt at a queued revocation: confirmed and dequeued, or counted and
   * rescheduled with backoff, or given up after the last attempt. Any failure
   * counts, a row that cannot even be opened (its key left the ring) too, so
   * no row stays due for ever in front of the others. A row whose provider
   * no longer offers revocation is dropped (logged): no retry could succeed.
   * Never throws.
   */
  private async attempt(revocation: PendingRevocation): Promise<Attempt> {
    const { store, cipher, now, logger, config } = this.deps;
    const attempts = revocation.attempts + 1;
    let outcome: RevocationOutcome | 'not_offered';
    try {
      const token = cipher.decrypt(revocation.sealedToken, revocationContext(revocation.id));
      outcome = await this.revoke(token, revocation.tokenTypeHint);
    } catch (error) {
      outcome = { done: false, reason: (error as Error).message };
    }
    try {
      if (outcome === 'not_offered') {
        await store.deleteRevocation(revocation.id);
        logger.warn(
          { userId: revocation.userId, tokenTypeHint: revocation.tokenTypeHint },
          'revocation not offered by the provider (no revocation_endpoint): dropped, the token lives until it expires',
        );
        return 'not_offered';
      }
      if (outcome.done) {
        await store.deleteRevocation(revocation.id);
        return 'confirmed';
      }
      if (attempts >= config.revocationMaxAttempts) {
        await store.deleteRevocation(revocation.id);
        logger.error({ userId: revocation.userId, attempts, reason: outcome.reason }, 'revocation given up');
        return 'left';
      }
      await store.saveRevocation(this.rescheduled(revocation, attempts, outcome, now()));
    } catch (error) {
      logger.warn(
        { userId: revocation.userId, error: (error as Error).message },
        'revocation attempt not recorded; it stays queued',
      );
    }
    return 'left';
  }

  private async revoke(
    token: string,
    hint: 'refresh_token' | 'access_token',
  ): Promise<RevocationOutcome | 'not_offered'> {
    const { http, now } = this.deps;
    let endpoint: string | undefined;
    try {
      endpoint = (await this.deps.discovery.metadata()).revocation_endpoint;
    } catch (error) {
      return { done: false, reason: (error as Error).message };
    }
    // A provider without a revocation endpoint cannot be asked (contract 5.7); the local tokens are gone all the same.
    if (!endpoint) return 'not_offered';
    return revocationRequest(http, endpoint, this.deps.clientAuthentication, token, hint, now());
  }

  private rescheduled(
    revocation: PendingRevocation,
    attempts: number,
    outcome: Extract<RevocationOutcome, { done: false }>,
    now: number,
  ): PendingRevocation {
    const backoffMs = Math.min(
      maxBackoffMs,
      this.deps.config.revocationRetryIntervalSeconds * 1000 * 2 ** (attempts - 1),
    );
    const waitMs =
      outcome.retryAfterSeconds === undefined ? backoffMs : Math.min(maxBackoffMs, outcome.retryAfterSeconds * 1000);
    return { ...revocation, attempts, notBefore: now + waitMs, lastError: outcome.reason.slice(0, 500) };
  }
}
