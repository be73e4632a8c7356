import type { Metrics, MetricUnit } from '../../../lib/observability/metrics.js';

export interface RecordedMetric {
  name: string;
  value: number;
  unit: MetricUnit | undefined;
  dimensions: Record<string, string>;
}

/** {@link Metrics} that keep what was added and count the flushes. */
export function createRecordingMetrics(): Metrics & { added: RecordedMetric[]; flushes: () => number } {
  const added: RecordedMetric[] = [];
  let flushes = 0;
  return {
    added,
    flushes: () => flushes,
    add: (name, value, unit, dimensions = {}) => {
      added.push({ name, value, unit, dimensions });
    },
    flush: () => {
      flushes += 1;
    },
  };
}
