/**
 * The one error middleware, first in the chain. An IntegrationError is shown
 * for what it is: JSON under `/api` or for clients that do not want HTML, the
 * error page otherwise. Anything else is logged and becomes `internal_error`
 * with a generic message: no stack trace, no internal detail, no secret.
 */
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { IntegrationError } from '../errors';
import { errorPage } from '../views/error-page';

/** What of an error may be logged: never request options, headers or bodies. */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const cause = error.cause instanceof Error ? { name: error.cause.name, message: error.cause.message } : undefined;
  return { name: error.name, message: error.message, code: (error as { code?: unknown }).code, cause };
}

export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new IntegrationError('not_found', `nothing here at ${ctx.path.slice(0, 100)}`);
      }
    } catch (caught) {
      let error: IntegrationError;
      let status: number | undefined;
      if (caught instanceof IntegrationError) {
        error = caught;
        logger.info({ error: loggableError(caught) }, 'request refused');
      } else if (typeof (caught as { status?: unknown }).status === 'number' && (caught as { status: number }).status < 500) {
        // Koa's own refusals (malformed body, payload too large...): a 4xx, told plainly.
        error = new IntegrationError('malformed_request', 'the request could not be read');
        status = (caught as { status: number }).status;
      } else {
        logger.error({ error: loggableError(caught) }, 'unexpected error');
        error = new IntegrationError('internal_error', 'something went wrong on our side');
      }
      ctx.status = status ?? error.status;
      const wantsJson = ctx.path.startsWith('/api/') || ctx.accepts('html', 'json') === 'json';
      if (wantsJson) {
        ctx.body = {
          error: error.code,
          message: error.message,
          ...(error.description === undefined ? {} : { error_description: error.description }),
        };
      } else {
        ctx.type = 'html';
        ctx.body = errorPage(error);
      }
    }
  };
}
