/**
 * `GET /healthz` (alive: the process answers), `GET /readyz` (ready: the
 * provider's discovery and the store both answer now) and `GET /metrics`
 * (Prometheus text format). None carries anything secret.
 */
import type { IntegrationMiddleware } from '../http/integration-state';
import type { Discovery } from '../oauth/discovery';
import type { Metrics } from '../observability/metrics';
import type { Store } from '../store/store';

export function health(): IntegrationMiddleware {
  return (ctx) => {
    ctx.body = { status: 'ok' };
  };
}

export interface ReadinessDependencies {
  readonly discovery: Pick<Discovery, 'probe'>;
  readonly store: Pick<Store, 'counts'>;
}

export function readiness(deps: ReadinessDependencies): IntegrationMiddleware {
  return async (ctx) => {
    const [provider, store] = await Promise.all([
      deps.discovery.probe().then(
        () => 'up',
        () => 'down',
      ),
      deps.store.counts().then(
        () => 'up',
        () => 'down',
      ),
    ]);
    const ready = provider === 'up' && store === 'up';
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks: { provider, store } };
  };
}

export function metrics(deps: { readonly metrics: Pick<Metrics, 'registry'> }): IntegrationMiddleware {
  return async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  };
}
