/**
 * `GET /healthz` (alive: the process answers), `GET /readyz` (ready: the
 * provider's discovery and the store both answer now) and `GET /metrics`
 * (Prometheus text format). None carries anything secret.
 */
import type { Middleware } from 'koa';
import type { Integration } from '../context';

export function health(): Middleware {
  return (ctx) => {
    ctx.body = { status: 'ok' };
  };
}

export function readiness(integration: Integration): Middleware {
  return async (ctx) => {
    const [provider, store] = await Promise.all([
      integration.discovery.probe().then(
        () => 'up',
        () => 'down',
      ),
      integration.store.counts().then(
        () => 'up',
        () => 'down',
      ),
    ]);
    const ready = provider === 'up' && store === 'up';
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks: { provider, store } };
  };
}

export function metrics(integration: Integration): Middleware {
  return async (ctx) => {
    ctx.type = integration.metrics.registry.contentType;
    ctx.body = await integration.metrics.registry.metrics();
  };
}
