/**
 * `GET /healthz` (alive: the process answers), `GET /readyz` (ready: the
 * provider's metadata is at hand, from the discovery cache or fetched now,
 * and the store answers) and `GET /metrics` (Prometheus text format). None
 * carries anything secret. Readiness is anonymous, so it never fetches
 * discovery more often than the cache does: callers from outside cannot
 * spend the provider's limits and flip readiness with them.
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
  readonly discovery: Pick<Discovery, 'metadata'>;
  readonly store: Pick<Store, 'counts'>;
}

export function readiness(deps: ReadinessDependencies): IntegrationMiddleware {
  return async (ctx) => {
    const [provider, store] = await Promise.all([
      deps.discovery.metadata().then(
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
