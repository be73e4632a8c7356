import { MetricCatalog, type MetricName } from '../../../lib/observability/metric-catalog.js';
import type { Metrics } from '../../../lib/observability/metrics.js';

export interface RecordedMetric {
  name: MetricName;
  unit: string;
  value: number;
  dimensions: Record<string, string>;
}

/**
 * A {@link Metrics} that keeps what it is given in memory: `added` as it is added, `published` only on
 * `flush`, as values reach CloudWatch, so a test also sees whether a handler flushed.
 */
export function createRecordingMetrics(): Metrics & {
  added: RecordedMetric[];
  published: RecordedMetric[];
  flushes: () => number;
} {
  const added: RecordedMetric[] = [];
  const published: RecordedMetric[] = [];
  let pending: RecordedMetric[] = [];
  let flushes = 0;
  return {
    added,
    published,
    flushes: () => flushes,
    add(name, value, ...dimensions) {
      const { unit } = MetricCatalog[name];
      const metric = { name, unit, value, dimensions: { ...dimensions[0] } };
      added.push(metric);
      pending.push(metric);
    },
    flush() {
      flushes += 1;
      published.push(...pending);
      pending = [];
    },
  };
}

/** The value of every published metric `name` whose dimensions include `dimensions`. */
export function publishedValues(
  metrics: { published: readonly RecordedMetric[] },
  name: MetricName,
  dimensions: Record<string, string> = {},
): number[] {
  return metrics.published
    .filter(
      (metric) =>
        metric.name === name &&
        Object.entries(dimensions).every(([key, value]) => metric.dimensions[key] === value),
    )
    .map((metric) => metric.value);
}
