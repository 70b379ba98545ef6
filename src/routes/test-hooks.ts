/**
 * The test hooks of contract 9.1, offered only with `TEST_HOOKS=true` (the
 * configuration refuses it unless the server listens on loopback), and
 * answering only callers on loopback:
 *
 *   GET  /__test                      {"hooks": ["clock", "revocation-queue", "logs"]}
 *   POST /__test/clock                {"advanceSeconds": n}: the integration's clock moves n seconds forward
 *   POST /__test/revocations/retry    {"attempted": n}: the queued revocations due now, retried
 *   GET  /__test/logs                 {"lines": [...]}: every log line written since start, each a JSON object
 *
 * The clock is the one the integration is built with (`now`, injected into
 * every service and the store), never a patched global: real time plus what
 * the hook advanced. The log lines are the ones written to standard output,
 * kept as written.
 */
import Router from '@koa/router';
import { type DestinationStream, pino } from 'pino';

import type { RevocationQueue } from '../connections/revocation-queue';
import { bodyParser } from '../http/body-parser';
import type { IntegrationMiddleware, IntegrationState } from '../http/integration-state';
import type { Store } from '../store/store';

/** What test mode adds to a process: a clock that can be moved, and its log lines kept. */
export class TestHooks {
  private advancedMs = 0;
  private readonly lines: string[] = [];

  constructor(private readonly realNow: () => number = Date.now) {}

  /** The integration's clock: real time plus what was advanced. */
  readonly now = (): number => this.realNow() + this.advancedMs;

  /** Time passes: only forward (contract 9.1). */
  advance(seconds: number): void {
    this.advancedMs += seconds * 1000;
  }

  /** Where the logger writes: standard output, as without test mode, and the kept lines. */
  logDestination(output: DestinationStream = pino.destination({ dest: 1, sync: true })): DestinationStream {
    return {
      write: (line: string) => {
        this.lines.push(line.trimEnd());
        output.write(line);
      },
    };
  }

  /** The kept lines as one JSON answer: each line already is a JSON object, so they are joined, not parsed again. */
  logsBody(): string {
    return `{"lines":[${this.lines.join(',')}]}`;
  }
}

const offered = ['clock', 'revocation-queue', 'logs'] as const;

/** A caller on this machine: the socket's own address, never a forwarded one. */
function fromLoopback(address: string | undefined): boolean {
  return address === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address ?? '');
}

const loopbackOnly: IntegrationMiddleware = async (ctx, next) => {
  if (!fromLoopback(ctx.req.socket.remoteAddress)) {
    ctx.status = 404;
    ctx.body = { error: 'not_found' };
    return;
  }
  await next();
};

/** What the hooks reach of the integration: its clock, its revocation queue and the store's due revocations. */
export interface TestHookTargets {
  readonly now: () => number;
  readonly store: Pick<Store, 'dueRevocations'>;
  readonly revocations: Pick<RevocationQueue, 'retryDue'>;
}

export function testHookRoutes(integration: TestHookTargets, hooks: TestHooks): IntegrationMiddleware {
  const router = new Router<IntegrationState>({ prefix: '/__test' });
  router.use(loopbackOnly);
  router.get('/', (ctx) => {
    ctx.body = { hooks: offered };
  });
  router.post('/clock', bodyParser({ enableTypes: ['json'], jsonLimit: '1kb' }), (ctx) => {
    const seconds = (ctx.request.body as { advanceSeconds?: unknown } | undefined)?.advanceSeconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      ctx.status = 400;
      ctx.body = {
        error: 'invalid_request',
        error_description: 'advanceSeconds must be a number of seconds, at least 0',
      };
      return;
    }
    hooks.advance(seconds);
    ctx.body = { now: new Date(integration.now()).toISOString() };
  });
  router.post('/revocations/retry', async (ctx) => {
    const attempted = (await integration.store.dueRevocations(integration.now(), 100)).length;
    await integration.revocations.retryDue();
    ctx.body = { attempted };
  });
  router.get('/logs', (ctx) => {
    ctx.type = 'json';
    ctx.body = hooks.logsBody();
  });
  return router.routes() as IntegrationMiddleware;
}
