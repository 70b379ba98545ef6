/**
 * What a request may carry, checked before anything is done with it: a
 * strict query, a session, the same site for changes, a `return_to` that
 * stays on this site.
 */
import type Koa from 'koa';
import type { Context } from 'koa';

import { Problem } from './problems';
import { origin } from './settings';
import { type Session, sessions } from './store';

/** The query, strictly: a parameter sent twice, bad percent-encoding or an overlong value is `malformed_request`. */
export function queryOf(ctx: Context): Map<string, string> {
  const refuse = () => new Problem('malformed_request', 'the query is malformed');
  if (ctx.querystring.length > 8192) throw refuse();
  const parameters = new Map<string, string>();
  for (const pair of ctx.querystring.split('&').filter(Boolean)) {
    const [name, value] = [pair.split('=')[0] ?? '', pair.split('=').slice(1).join('=')].map((part) => {
      try {
        return decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        throw refuse();
      }
    }) as [string, string];
    if (parameters.has(name) || value.length > 2048) throw refuse();
    parameters.set(name, value);
  }
  return parameters;
}

export function sessionOf(ctx: Context): Session | undefined {
  return sessions.get(ctx.cookies.get('sid') ?? '');
}

export function requireSession(ctx: Context): Session {
  const session = sessionOf(ctx);
  if (!session) throw new Problem('session_required', 'sign in first');
  return session;
}

/**
 * A state-changing request must come from this site (RFC 9700 4.7): Sec-Fetch-Site and Origin say where it came from.
 */
export const sameSite: Koa.Middleware = async (ctx, next) => {
  const site = ctx.get('sec-fetch-site');
  const from = ctx.get('origin');
  if ((site && site !== 'same-origin' && site !== 'none') || (from && from !== origin)) {
    throw new Problem('cross_site_request', 'this request came from another site');
  }
  await next();
};

/**
 * `return_to`: a path on this site only, resolved as a browser would, so it can never lead elsewhere (RFC 9700 4.11.1).
 */
export function returnToOf(value: string | undefined): string {
  if (!value) return '/';
  const refuse = new Problem('invalid_return_to', 'return_to must be a path on this site');
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith('/') || /[\\\u0000-\u001f]/.test(value)) throw refuse;
  let resolved: URL;
  try {
    resolved = new URL(value, origin);
    decodeURIComponent(resolved.pathname);
  } catch {
    throw refuse;
  }
  const path = resolved.pathname + resolved.search;
  if (resolved.origin !== origin || !/^\/(?![/\\])/.test(path) || /^\/(%2f|%5c)/i.test(path)) throw refuse;
  return path;
}
