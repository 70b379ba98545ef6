/**
 * Prometheus metrics of one integration instance (its own registry, so that
 * several instances can live in one process), served at `GET /metrics`.
 *
 * The process-wide default metrics (CPU, memory, event loop, GC) are
 * registered a second after the instance is made, or at the first scrape if
 * that comes sooner: loading them (prom-client's index with
 * @opentelemetry/api) took a sizeable share of a cold start, for figures
 * nobody reads before the process is up. CPU and memory are totals kept by
 * the OS, so they read the same; GC and event-loop figures count from then.
 */
import Counter from 'prom-client/lib/counter';
import Histogram from 'prom-client/lib/histogram';
import Registry from 'prom-client/lib/registry';

/** How long after an instance is made its default metrics are registered, at the latest. */
const defaultMetricsDelayMs = 1000;

/** The registry of one instance: the default metrics are registered before its first scrape. */
class InstanceRegistry extends Registry {
  constructor(private readonly beforeScrape: () => Promise<void>) {
    super();
  }

  override async metrics(): Promise<string> {
    await this.beforeScrape();
    return super.metrics();
  }
}

export class Metrics {
  private defaults: Promise<void> | undefined;

  private readonly wantsDefaults: boolean;

  readonly registry: Registry = new InstanceRegistry(() => this.registerDefaultMetrics());

  readonly flowsStarted = new Counter({
    name: 'oauth_flows_started_total',
    help: 'Authorization requests started (GET /connect redirected to the provider).',
    registers: [this.registry],
  });

  readonly flowsCompleted = new Counter({
    name: 'oauth_flows_completed_total',
    help: 'Connects completed: code exchanged, ID token valid, connection stored.',
    registers: [this.registry],
  });

  readonly callbackReplays = new Counter({
    name: 'oauth_callback_replays_total',
    help: 'Callbacks arriving again after their flow connected (the back button, a reload): the user lands again, nothing is exchanged.',
    registers: [this.registry],
  });

  readonly flowsFailed = new Counter({
    name: 'oauth_flows_failed_total',
    help: 'Callbacks that ended in an error, by error code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly refreshes = new Counter({
    name: 'oauth_token_refreshes_total',
    help: 'Refresh attempts by outcome (success, invalid_grant, provider_unavailable, invalid_id_token, ...).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly providerLatency = new Histogram({
    name: 'oauth_provider_request_duration_seconds',
    help: 'Duration of each call to the provider, by endpoint and status (or "error").',
    labelNames: ['endpoint', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'http_rate_limited_total',
    help: 'Requests refused by our own rate limits, by route group.',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  readonly clientKeyFallbacks = new Counter({
    name: 'oauth_client_key_fallbacks_total',
    help: 'Requests the provider refused as invalid_client with the newest client key, sent again signed with the older key (within the rotation window only).',
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    this.wantsDefaults = options.defaultMetrics ?? true;
    if (this.wantsDefaults) setTimeout(() => void this.registerDefaultMetrics(), defaultMetricsDelayMs).unref();
  }

  /** Register the process-wide default metrics (once; nothing when the instance was made without them). */
  registerDefaultMetrics(): Promise<void> {
    if (!this.wantsDefaults) return Promise.resolve();
    this.defaults ??= import('prom-client/lib/defaultMetrics.js').then(({ default: collectDefaultMetrics }) =>
      collectDefaultMetrics({ register: this.registry }),
    );
    return this.defaults;
  }
}
