/**
 * A request id on every request (the caller's `X-Request-Id` when it is a
 * sane one), a child logger carrying it for every line the request writes
 * (made when the request first logs), and one line when the request ends.
 * Only the path is logged, never the query: on the callback the query holds
 * the authorization code.
 */
import { randomUUID } from 'node:crypto';

import type { Logger } from 'pino';

import type { IntegrationMiddleware } from '../http/integration-state';

export function requestLog(logger: Logger): IntegrationMiddleware {
  return async (ctx, next) => {
    const offered = ctx.get('x-request-id');
    const requestId = /^[A-Za-z0-9._-]{8,64}$/.test(offered) ? offered : randomUUID();
    ctx.state.requestId = requestId;
    // The child logger is made when a middleware first logs: most requests write only their closing line.
    let log: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', {
      get: () => (log ??= logger.child({ requestId })),
      set: (replacement: Logger) => (log = replacement),
      enumerable: true,
      configurable: true,
    });
    ctx.set('x-request-id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const line = {
        method: ctx.method,
        path: ctx.path.slice(0, 200),
        status: ctx.status,
        ms: Math.round(performance.now() - started),
      };
      if (log) log.info(line, 'request');
      else logger.info({ requestId, ...line }, 'request');
    }
  };
}
