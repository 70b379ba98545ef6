/**
 * Our own rate limits (rate-limiter-flexible), per route group, counted
 * both per session and per client address; an address gets several times a
 * session's allowance, since many users may share one (NAT, offices).
 * Behind the host product's proxy (`IDENTITY=trusted-header`) every user
 * shares the proxy's address, so the identity names the user instead
 * (contract 7).
 * Over either limit: 429 `rate_limited` with `Retry-After`; every limited
 * response carries `RateLimit-Limit`, `RateLimit-Remaining`,
 * `RateLimit-Reset` and `RateLimit-Policy`. The limiter's store is
 * pluggable, so several instances can share one (the MySQL store).
 */
import { createHash } from 'node:crypto';

import type { IRateLimiterOptions, RateLimiterAbstract } from 'rate-limiter-flexible';
// Each class from its own file (see
// src/types/rate-limiter-flexible-lib.d.ts): the package's index loads
// every store it supports.
import RateLimiterMemory from 'rate-limiter-flexible/lib/RateLimiterMemory';
import RateLimiterRes from 'rate-limiter-flexible/lib/RateLimiterRes';

import { IntegrationError } from '../errors';
import type { Identity } from '../identity/identity';
import type { Metrics } from '../observability/metrics';
import type { IntegrationContext, IntegrationMiddleware } from './integration-state';

export const routeGroups = ['sign_in', 'connect', 'callback', 'api'] as const;
export type RouteGroup = (typeof routeGroups)[number];

export interface RateLimit {
  readonly points: number;
  readonly durationSeconds: number;
}

export type RateLimits = Readonly<Record<RouteGroup, RateLimit>>;

/** How many times a session's allowance one client address gets. */
export const addressFactor = 5;

export const defaultRateLimits = 'sign_in=10/60,connect=20/60,callback=20/60,api=300/60';

/** Parse `group=points/seconds,...`; a sentence describing the problem when it is invalid. */
export function parseRateLimits(value: string): RateLimits | string {
  const limits: Partial<Record<RouteGroup, RateLimit>> = {};
  for (const entry of value.split(',').map((part) => part.trim())) {
    const match = /^([a-z_]+)=(\d+)\/(\d+)$/.exec(entry);
    const group = match?.[1] as RouteGroup | undefined;
    if (!match || !group || !routeGroups.includes(group) || Number(match[2]) < 1 || Number(match[3]) < 1) {
      return `each entry must be group=points/seconds, with a group among ${routeGroups.join(', ')}.`;
    }
    limits[group] = { points: Number(match[2]), durationSeconds: Number(match[3]) };
  }
  const defaults = defaultRateLimits.split(',').map((entry) => entry.split('=') as [RouteGroup, string]);
  for (const [group, limit] of defaults) {
    const [points, seconds] = limit.split('/').map(Number) as [number, number];
    limits[group] ??= { points, durationSeconds: seconds };
  }
  return limits as RateLimits;
}

export type LimiterFactory = (options: IRateLimiterOptions) => RateLimiterAbstract;

/** One counter: its limiter and the limit it enforces. */
interface Counter {
  readonly limiter: RateLimiterAbstract;
  readonly limit: RateLimit;
}

type KeyKind = 'session' | 'address';

export class RateLimiter {
  private readonly counters = new Map<string, Counter>();

  constructor(
    limits: RateLimits,
    private readonly metrics: Pick<Metrics, 'rateLimited'>,
    /** Who the request is: its per-session key, and what its per-address counters count by when not its address. */
    private readonly identity: Pick<Identity, 'rateLimitKey' | 'rateLimitClient'>,
    factory: LimiterFactory = (options) => new RateLimiterMemory(options),
  ) {
    for (const group of routeGroups) {
      const { points, durationSeconds } = limits[group];
      const perKind: Record<KeyKind, RateLimit> = {
        session: limits[group],
        address: { points: points * addressFactor, durationSeconds },
      };
      for (const kind of ['session', 'address'] as const) {
        const limit = perKind[kind];
        this.counters.set(`${group}:${kind}`, {
          limit,
          limiter: factory({ keyPrefix: `rl_${group}_${kind}`, points: limit.points, duration: limit.durationSeconds }),
        });
      }
    }
  }

  middleware(group: RouteGroup): IntegrationMiddleware {
    return async (ctx, next) => {
      await this.consume(group, ctx);
      await next();
    };
  }

  /**
   * Count the request against the group's limit where a route spends the
   * group's allowance only on some requests (`GET /` lists the databases,
   * an `api` call, only for a connected user): the rate-limit headers are
   * set, and over the limit `rate_limited` is thrown.
   */
  async consume(group: RouteGroup, ctx: IntegrationContext): Promise<void> {
    const results: Array<[RateLimit, RateLimiterRes]> = [];
    for (const [kind, key] of this.keysOf(ctx)) {
      const { limiter, limit } = this.counters.get(`${group}:${kind}`) as Counter;
      try {
        results.push([limit, await limiter.consume(key)]);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        this.metrics.rateLimited.inc({ route: group });
        this.setHeaders(ctx, limit, rejection);
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new IntegrationError('rate_limited', `too many requests; try again in ${retryAfterSeconds} s`, {
          retryAfterSeconds,
        });
      }
    }
    const tightest = results.sort(([, a], [, b]) => a.remainingPoints - b.remainingPoints)[0];
    if (tightest) this.setHeaders(ctx, tightest[0], tightest[1]);
  }

  /**
   * The client address (or what the identity counts instead), and the
   * session (hashed: a session id is a secret) when there is one.
   */
  private keysOf(ctx: IntegrationContext): Array<[KeyKind, string]> {
    const keys: Array<[KeyKind, string]> = [['address', this.identity.rateLimitClient?.(ctx) ?? ctx.ip]];
    const session = this.identity.rateLimitKey(ctx);
    if (session) keys.push(['session', createHash('sha256').update(session).digest('base64url').slice(0, 32)]);
    return keys;
  }

  private setHeaders(ctx: IntegrationContext, limit: RateLimit, result: RateLimiterRes): void {
    ctx.set('ratelimit-limit', String(limit.points));
    ctx.set('ratelimit-remaining', String(Math.max(0, result.remainingPoints)));
    ctx.set('ratelimit-reset', String(Math.ceil(result.msBeforeNext / 1000)));
    ctx.set('ratelimit-policy', `${limit.points};w=${limit.durationSeconds}`);
  }
}
