/**
 * `GET /healthz` (alive: the process answers), `GET /readyz` (ready: the
 * provider's metadata is at hand and the store answers) and `GET /metrics`
 * (Prometheus text format). None carries anything secret. Readiness is
 * anonymous, so it answers from what discovery last learned: the cache while
 * it is fresh, the last failure while its backoff lasts (contract 3.6), and
 * fetches only otherwise, one fetch at a time. Callers from outside cannot
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
  readonly discovery: Pick<Discovery, 'lastKnown'>;
  readonly store: Pick<Store, 'counts'>;
}

export function readiness(deps: ReadinessDependencies): IntegrationMiddleware {
  return async (ctx) => {
    const [provider, store] = await Promise.all([
      deps.discovery.lastKnown().then(
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
