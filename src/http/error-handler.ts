/**
 * The one error middleware, first in the chain. An IntegrationError is shown
 * for what it is: JSON under `/api` or for clients that do not want HTML, the
 * error page otherwise. Anything else is logged and becomes `internal_error`
 * with a generic message: no stack trace, no internal detail, no secret.
 */
import { IntegrationError } from '../errors';
import { errorPage } from '../views/error-page';
import type { IntegrationMiddleware } from './integration-state';

/** What of an error may be logged: never request options, headers or bodies. */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const cause = error.cause instanceof Error ? { name: error.cause.name, message: error.cause.message } : undefined;
  return { name: error.name, message: error.message, errorCode: (error as { code?: unknown }).code, cause };
}

export function errorHandler(): IntegrationMiddleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new IntegrationError('not_found', 'there is nothing at this address');
      }
      if (ctx.status === 405) throw new IntegrationError('method_not_allowed', 'this method is not allowed here');
    } catch (caught) {
      let error: IntegrationError;
      const koaStatus = (caught as { status?: unknown }).status;
      if (caught instanceof IntegrationError) {
        error = caught;
        ctx.state.log.info({ error: loggableError(caught) }, 'request refused');
      } else if (koaStatus === 413) {
        error = new IntegrationError('payload_too_large', 'the request body is too large');
      } else if (typeof koaStatus === 'number' && koaStatus < 500) {
        // The body parser's other refusals (malformed JSON or form): a 400, told plainly.
        error = new IntegrationError('malformed_request', 'the request body could not be read');
      } else {
        ctx.state.log.error({ error: loggableError(caught) }, 'unexpected error');
        error = new IntegrationError('internal_error', 'something went wrong on our side');
      }
      ctx.status = error.status;
      if (error.retryAfterSeconds !== undefined) ctx.set('retry-after', String(error.retryAfterSeconds));
      const wantsJson = ctx.path.startsWith('/api/') || ctx.accepts('html', 'json') === 'json';
      if (wantsJson) {
        ctx.body = {
          error: error.code,
          message: error.message,
          ...(error.description === undefined ? {} : { error_description: error.description }),
          // Incremental authorization: the scope missing, and where to ask for it in addition to those granted.
          ...(error.requiredScope === undefined
            ? {}
            : { scope: error.requiredScope, connect_url: `/connect?scope=${encodeURIComponent(error.requiredScope)}` }),
        };
      } else {
        ctx.type = 'html';
        ctx.body = errorPage(error);
      }
    }
  };
}
