/**
 * What one request's middleware leave for the ones after them, typed once
 * for the whole app: the app is `Koa<IntegrationState>`, its router
 * `Router<IntegrationState>`, and every handler an `IntegrationMiddleware`.
 */
import type { Middleware, ParameterizedContext } from 'koa';
import type { Logger } from 'pino';

export interface IntegrationState {
  /** Set first thing by the request log: the caller's `X-Request-Id` when it is a sane one, a fresh UUID otherwise. */
  requestId: string;
  /** A logger carrying the request id, and the flow id once the callback knows it. */
  log: Logger;
  /** The demo sign-in's session id, read from the signed cookie once per request: null when there is none. */
  sessionId?: string | null;
}

export type IntegrationContext = ParameterizedContext<IntegrationState>;
export type IntegrationMiddleware = Middleware<IntegrationState>;
