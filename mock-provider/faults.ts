/**
 * Scripted faults: the next N responses of an endpoint are replaced by a
 * given failure. At the authorization endpoint an OAuth error is sent back to
 * the client's redirect URI, as a real provider would; elsewhere the fault is
 * an HTTP response with the given status, OAuth error, body and headers,
 * after an optional delay; or a dropped connection. An answer held by a
 * delay can be let go early (`release`), so that a check that needs a slow
 * answer holds it for exactly as long as it needs.
 */
import { decodeJwt } from 'jose';
import type { Context, Middleware } from 'koa';
import type { Provider } from 'oidc-provider';

import type { Fault } from './controls';
import { type Endpoint, endpointIn } from './endpoints';
import { type FaultState, readParameters } from './request-log';

export type { Fault };

interface Armed extends Fault {
  remaining: number;
}

const pushedRequestUrn = 'urn:ietf:params:oauth:request_uri:';

/**
 * The authorization request's redirect URI and state: from the query, or,
 * when the browser carries only a `request_uri` (PAR, RFC 9126 4), from the
 * request the client pushed, as the provider itself reads it.
 */
async function authorizationRequestOf(ctx: Context): Promise<{ redirectUri?: unknown; state?: unknown }> {
  const requestUri = ctx.query.request_uri;
  if (typeof requestUri !== 'string' || !requestUri.startsWith(pushedRequestUrn))
    return { redirectUri: ctx.query.redirect_uri, state: ctx.query.state };
  const pushed = await (ctx.app as Provider).PushedAuthorizationRequest.find(
    requestUri.slice(pushedRequestUrn.length),
    { ignoreExpiration: true },
  );
  const parameters = pushed ? decodeJwt(pushed.request) : {};
  return { redirectUri: parameters.redirect_uri, state: parameters.state };
}

export class Faults {
  private readonly armed = new Map<Endpoint, Armed[]>();
  /** The answers a delay holds now, each with what lets it go. */
  private readonly held = new Map<Endpoint, Set<() => void>>();

  constructor(
    private readonly issuer: string,
    private readonly redirectUris: () => readonly string[],
  ) {}

  failNext(endpoint: Endpoint, fault: Fault): void {
    const queue = this.armed.get(endpoint) ?? [];
    queue.push({ ...fault, remaining: fault.times ?? 1 });
    this.armed.set(endpoint, queue);
  }

  clear(): void {
    this.armed.clear();
  }

  /** Let every answer of the endpoint that a delay holds now go on at once; how many there were. */
  release(endpoint: Endpoint): number {
    const waiting = [...(this.held.get(endpoint) ?? [])];
    for (const go of waiting) go();
    return waiting.length;
  }

  /** Hold an answer for `delayMs`, or until `release` lets it go. */
  private hold(endpoint: Endpoint, delayMs: number): Promise<void> {
    const waiting = this.held.get(endpoint) ?? new Set<() => void>();
    this.held.set(endpoint, waiting);
    return new Promise((resolve) => {
      const go = () => {
        clearTimeout(timer);
        waiting.delete(go);
        resolve();
      };
      const timer = setTimeout(go, delayMs);
      waiting.add(go);
    });
  }

  /** How many responses of the endpoint are still scripted to fail. */
  pending(endpoint: Endpoint): number {
    return (this.armed.get(endpoint) ?? []).reduce((sum, fault) => sum + fault.remaining, 0);
  }

  private take(endpoint: Endpoint): Fault | undefined {
    const queue = this.armed.get(endpoint);
    const fault = queue?.[0];
    if (!queue || !fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) queue.shift();
    return fault;
  }

  middleware(): Middleware {
    return async (ctx, next) => {
      const endpoint = endpointIn(ctx);
      const fault = endpoint && this.take(endpoint);
      if (!fault) {
        await next();
        return;
      }
      if (fault.delayMs) {
        await this.hold(endpoint, fault.delayMs);
        // The client gave up while we waited: there is no one left to answer.
        if (ctx.req.socket.destroyed) return;
      }
      if (fault.drop) {
        (ctx.state as FaultState).dropped = true;
        ctx.respond = false;
        ctx.req.socket.destroy();
        return;
      }
      if (fault.status === undefined && fault.error === undefined && fault.body === undefined && !fault.drop) {
        await next();
        return;
      }
      await readParameters(ctx);

      for (const [name, value] of Object.entries(fault.headers ?? {})) ctx.set(name, value);
      const { redirectUri, state } = endpoint === 'authorization' ? await authorizationRequestOf(ctx) : {};
      if (
        endpoint === 'authorization' &&
        fault.error &&
        typeof redirectUri === 'string' &&
        this.redirectUris().includes(redirectUri)
      ) {
        const target = new URL(redirectUri);
        target.searchParams.set('error', fault.error);
        if (fault.error_description) target.searchParams.set('error_description', fault.error_description);
        if (typeof state === 'string') target.searchParams.set('state', state);
        target.searchParams.set('iss', this.issuer);
        ctx.status = 303;
        ctx.redirect(target.href);
        return;
      }
      ctx.status = fault.status ?? (fault.error ? 400 : 500);
      if (fault.body !== undefined) {
        ctx.body = fault.body;
      } else if (fault.error) {
        ctx.body = {
          error: fault.error,
          ...(fault.error_description ? { error_description: fault.error_description } : {}),
        };
      } else {
        ctx.body = { error: 'server_error', error_description: 'scripted fault' };
      }
    };
  }
}
