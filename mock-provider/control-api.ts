/**
 * The mock's control surface over HTTP: every control of control-table.ts,
 * for QA running the mock alone (`npm run start:mock`) and for the harness
 * run against a remote integration (steps/support/remote-provider.ts). Enabled only in
 * that mode. It hands out live codes and tokens, so it answers only a caller
 * on loopback that also names the mock by a loopback Host with the mock's own
 * port (a DNS-rebound page, whose Host is the attacker's name, gets 403).
 * A control that changes something (any method but GET and HEAD) is refused
 * with 403 `cross_site_request` when its `Origin` is not the mock's own or
 * its `Sec-Fetch-Site` is neither `same-origin` nor `none`, and a POST whose
 * `Content-Type` is not `application/json` with 415 `unsupported_media_type`:
 * a page any browser opens can send a form or `text/plain` POST without a
 * preflight, never a JSON one (contract 10.2).
 * Bodies are JSON; bad input gets 400 `{"error": "invalid_request",
 * "error_description": ...}`, an unknown kid/token/code 404, never a 500.
 * The routes are control-table.ts's, one an entry: a POST's input is its
 * JSON body, a GET's or DELETE's its query; the answer is the entry's
 * output (204 when it has none). `GET /__control` (`about`) lists them.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';

import { controlNames, ControlRefused, controlTable, type MockControls } from './control-table';

/** The input of a control, parsed with its schema; bad input is 400 `invalid_request`. */
function parse(value: unknown, schema: z.ZodType): unknown {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ControlRefused(400, 'invalid_request', z.prettifyError(parsed.error));
  return parsed.data;
}

const loopbackAddresses = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const loopbackNames = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether the caller is on loopback and names the mock by a loopback host with its own port. */
function isLocalCaller(ctx: Context, port: number): boolean {
  if (!loopbackAddresses.has(ctx.req.socket.remoteAddress ?? '')) return false;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:]+)(?::(\d+))?$/.exec(ctx.get('host'));
  if (!match?.[1]) return false;
  const defaultPort = ctx.req.socket.constructor.name === 'TLSSocket' ? 443 : 80;
  return loopbackNames.has(match[1].toLowerCase()) && Number(match[2] ?? defaultPort) === port;
}

/** What a browser may send without a preflight: anything but a read is checked for its site and its media type. */
const readMethods = new Set(['GET', 'HEAD']);
/** `Sec-Fetch-Site` values of a request the mock's own origin, or the user by hand, made. */
const ownSites = new Set(['same-origin', 'none']);

/** Refuse a control that changes something when another site sent it, or sent it as anything but JSON. */
function checkMutatingRequest(ctx: Context): void {
  if (readMethods.has(ctx.method)) return;
  const site = ctx.get('sec-fetch-site');
  const origin = ctx.get('origin');
  const ownOrigin = `${ctx.protocol}://${ctx.get('host')}`;
  const sameOrigin = (value: string): boolean =>
    URL.canParse(value) && URL.canParse(ownOrigin) && new URL(value).origin === new URL(ownOrigin).origin;
  if ((site !== '' && !ownSites.has(site.toLowerCase())) || (origin !== '' && !sameOrigin(origin))) {
    throw new ControlRefused(403, 'cross_site_request', 'the control API takes no request from another site');
  }
  if (ctx.method === 'POST' && ctx.request.type !== 'application/json') {
    throw new ControlRefused(
      415,
      'unsupported_media_type',
      'a control is sent as JSON (Content-Type: application/json)',
    );
  }
}

/** One route a control of the table: parse its input, run its behaviour, answer its output. */
function controlRouter(controls: MockControls): Router {
  const router = new Router({ prefix: '/__control' });
  for (const name of controlNames) {
    const control = controlTable[name];
    // Each behaviour takes its own entry's parsed input: the table's types were checked where both were written.
    const behaviour = controls[name] as (input: unknown) => unknown;
    const method = control.method === 'GET' ? 'get' : control.method === 'POST' ? 'post' : 'delete';
    router[method](`/${control.path}`, async (ctx) => {
      const input = parse(control.method === 'POST' ? (ctx.request.body ?? {}) : { ...ctx.query }, control.input);
      const answer = await behaviour(input);
      ctx.status = control.status;
      if (control.status !== 204) ctx.body = answer;
    });
  }
  return router;
}

/** What a failure of the body parser means, by status. */
const parserErrors: Record<number, string> = {
  400: 'the body is not valid JSON',
  413: 'the body is larger than 128 kB',
  415: 'the body must be JSON',
};

/** The control API as one middleware: everything under `/__control`, and nothing else. */
export function controlApi(controls: MockControls, port: number): Middleware {
  const router = controlRouter(controls);
  const routes = router.routes() as unknown as Middleware;
  const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: '128kb' }) as unknown as Middleware;

  return async (ctx, next) => {
    if (ctx.path !== '/__control' && !ctx.path.startsWith('/__control/')) {
      await next();
      return;
    }
    ctx.set('cache-control', 'no-store');
    try {
      if (!isLocalCaller(ctx, port)) {
        throw new ControlRefused(
          403,
          'forbidden',
          'the control API answers only on loopback, at a loopback host name with its own port',
        );
      }
      checkMutatingRequest(ctx);
      await parseJson(ctx, async () => {
        await routes(ctx, async () => {
          const matched = (ctx as { matched?: Array<{ methods: string[] }> }).matched ?? [];
          if (matched.some((layer) => layer.methods.length > 0))
            throw new ControlRefused(405, 'method_not_allowed', `${ctx.method} is not a control here`);
          throw new ControlRefused(404, 'not_found', 'no such control');
        });
      });
    } catch (error) {
      if (error instanceof ControlRefused) {
        ctx.status = error.status;
        ctx.body = { error: error.code, error_description: error.description };
        return;
      }
      const status = (error as { status?: number }).status;
      if (status !== undefined && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = { error: 'invalid_request', error_description: parserErrors[status] ?? 'the request was refused' };
        return;
      }
      throw error;
    }
  };
}
