/**
 * prom-client's classes by their own files: its index loads every kind of
 * metric it has, the push gateway, the cluster aggregator and the default
 * metrics (with @opentelemetry/api), a sizeable share of a start. The
 * integration needs three small files at start and the default metrics
 * after it (./metrics.ts). The types are the package's own.
 */
declare module 'prom-client/lib/registry' {
  import { Registry } from 'prom-client';
  export = Registry;
}

declare module 'prom-client/lib/counter' {
  import { Counter } from 'prom-client';
  export = Counter;
}

declare module 'prom-client/lib/histogram' {
  import { Histogram } from 'prom-client';
  export = Histogram;
}

declare module 'prom-client/lib/defaultMetrics.js' {
  import { collectDefaultMetrics } from 'prom-client';
  export = collectDefaultMetrics;
}
