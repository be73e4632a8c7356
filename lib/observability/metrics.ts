/** Units CloudWatch understands; the few Tandem uses. */
export const MetricUnits = { count: 'Count', milliseconds: 'Milliseconds', none: 'None' } as const;
export type MetricUnit = (typeof MetricUnits)[keyof typeof MetricUnits];

export interface Metrics {
  add(name: string, value: number, unit?: MetricUnit, dimensions?: Record<string, string>): void;
  /** Writes what was added since the last flush; call once per invocation. */
  flush(): void;
}

export interface EmfMetricsOptions {
  namespace?: string;
  /** Dimensions on every metric, e.g. the queue name. */
  defaults?: Record<string, string>;
  write?: (line: string) => void;
  clock?: () => number;
}

/**
 * CloudWatch Embedded Metric Format: one JSON log line per metric, which Lambda's log pipeline turns into
 * metrics with no API call and no extra latency. Dependency-free, like the logger.
 */
export function createEmfMetrics({
  namespace = 'Tandem',
  defaults = {},
  write = (line) => process.stdout.write(`${line}\n`),
  clock = Date.now,
}: EmfMetricsOptions = {}): Metrics {
  let pending: { name: string; value: number; unit: MetricUnit; dimensions: Record<string, string> }[] = [];
  return {
    add(name, value, unit = MetricUnits.count, dimensions = {}) {
      pending.push({ name, value, unit, dimensions: { ...defaults, ...dimensions } });
    },
    flush() {
      for (const metric of pending) {
        write(
          JSON.stringify({
            _aws: {
              Timestamp: clock(),
              CloudWatchMetrics: [
                {
                  Namespace: namespace,
                  Dimensions: [Object.keys(metric.dimensions)],
                  Metrics: [{ Name: metric.name, Unit: metric.unit }],
                },
              ],
            },
            ...metric.dimensions,
            [metric.name]: metric.value,
          }),
        );
      }
      pending = [];
    },
  };
}

/** Metrics that go nowhere: for tests and tools. */
export const noMetrics: Metrics = { add: () => {}, flush: () => {} };
