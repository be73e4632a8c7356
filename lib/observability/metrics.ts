import type { MetricDimensionArgs, MetricName } from './metric-catalog.js';

/**
 * Tandem's metrics, typed by the catalog in `metric-catalog.ts`: the name must be in the catalog, the unit
 * comes from it, and the dimensions must be exactly the entry's (a metric without dimensions of its own
 * takes none). Adding never throws and never blocks: values wait in memory until `flush`.
 *
 * @example
 * metrics.add('Enqueued', 2, { via: 'redis' });
 * metrics.add('Failover', 1);
 * metrics.flush(); // once per invocation, in a `finally`
 */
export interface Metrics {
  add<N extends MetricName>(name: N, value: number, ...dimensions: MetricDimensionArgs<N>): void;
  /** Writes what was added since the last flush, and nothing when nothing was; call once per invocation. */
  flush(): void;
}

/** Metrics that go nowhere: for tests and tools. */
export const noMetrics: Metrics = { add: () => {}, flush: () => {} };
