/**
 * Two classes of rate-limiter-flexible by their own files: its index loads
 * every limiter it has (Redis, Mongo, Postgres, ...), about 30 ms and 9 MiB
 * at every start, where the in-memory limiter needs two small files. The
 * types are the package's own.
 */
declare module 'rate-limiter-flexible/lib/RateLimiterMemory' {
  import { RateLimiterMemory } from 'rate-limiter-flexible';
  export = RateLimiterMemory;
}

declare module 'rate-limiter-flexible/lib/RateLimiterRes' {
  import { RateLimiterRes } from 'rate-limiter-flexible';
  export = RateLimiterRes;
}
