/**
 * Rate limits on any endpoint of the mock, in fixed windows on the mock's
 * clock: past the limit, 429 with `Retry-After` and the `RateLimit-*`
 * headers, as a real vendor's API gateway would answer.
 */
import type { Middleware } from 'koa';

import { type Endpoint, endpointIn } from './endpoints';
import { readParameters } from './request-log';

export interface RateLimit {
  readonly limit: number;
  readonly windowSeconds: number;
}

interface Window {
  startedAt: number;
  count: number;
}

export class RateLimits {
  private readonly limits = new Map<Endpoint, RateLimit>();
  private readonly windows = new Map<Endpoint, Window>();

  /** `now`: the mock's clock (clock.ts). */
  constructor(private readonly now: () => number) {}

  set(endpoint: Endpoint, limit: RateLimit): void {
    this.limits.set(endpoint, limit);
    this.windows.delete(endpoint);
  }

  clear(): void {
    this.limits.clear();
    this.windows.clear();
  }

  middleware(): Middleware {
    return async (ctx, next) => {
      const endpoint = endpointIn(ctx);
      const limit = endpoint && this.limits.get(endpoint);
      if (!endpoint || !limit) {
        await next();
        return;
      }
      const now = this.now();
      const windowMs = limit.windowSeconds * 1000;
      let window = this.windows.get(endpoint);
      if (!window || now - window.startedAt >= windowMs) {
        window = { startedAt: now, count: 0 };
        this.windows.set(endpoint, window);
      }
      window.count += 1;
      const resetSeconds = Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000));
      ctx.set('ratelimit-limit', String(limit.limit));
      ctx.set('ratelimit-remaining', String(Math.max(0, limit.limit - window.count)));
      ctx.set('ratelimit-reset', String(resetSeconds));
      ctx.set('ratelimit-policy', `${limit.limit};w=${limit.windowSeconds}`);
      if (window.count > limit.limit) {
        await readParameters(ctx);
        ctx.set('retry-after', String(resetSeconds));
        ctx.status = 429;
        ctx.body = {
          error: 'rate_limited',
          error_description: `at most ${limit.limit} requests per ${limit.windowSeconds} s`,
        };
        return;
      }
      await next();
    };
  }
}
