import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit } from '@aws-lambda-powertools/metrics/types';
import type { Logger } from './logger.js';
import { MetricCatalog, type MetricName } from './metric-catalog.js';
import type { Metrics } from './metrics.js';

export interface CreateMetricsOptions {
  /** Default `Tandem`. */
  namespace?: string;
  /** The `service` dimension Powertools puts on every metric; default `tandem`. */
  service?: string;
  /** Dimensions on every metric besides `service`, e.g. the queue name. */
  defaults?: Record<string, string>;
  /** Where Powertools' own warnings and a failed flush are told; default: Powertools' console. */
  logger?: Logger;
}

/** The metrics of one dimension set, published together as one EMF object. */
interface PendingGroup {
  dimensions: [string, string][];
  values: { name: MetricName; unit: MetricUnit; value: number }[];
}

/**
 * {@link Metrics} on Powertools for AWS Lambda: CloudWatch Embedded Metric Format on stdout, which Lambda's
 * log pipeline turns into metrics with no API call. Powertools gives one EMF object one set of dimension
 * values, so `flush` publishes one object per set (`publishStoredMetrics()` each); values that share a set
 * share the object, and repeats of a name become one array of values.
 *
 * @example
 * const metrics = createMetrics({ defaults: { queue: config.queue.name }, logger });
 */
export function createMetrics({
  namespace = 'Tandem',
  service = 'tandem',
  defaults = {},
  logger,
}: CreateMetricsOptions = {}): Metrics {
  const powertools = new PowertoolsMetrics({
    namespace,
    serviceName: service,
    defaultDimensions: defaults,
    ...(logger !== undefined && { logger }),
  });
  let pending = new Map<string, PendingGroup>();

  return {
    add(name, value, ...args) {
      const spec = MetricCatalog[name];
      if (spec === undefined || !Number.isFinite(value)) {
        logger?.warn('metric dropped: unknown name or not a finite number', { metric: name, value });
        return;
      }
      const given: Readonly<Record<string, string>> = args[0] ?? {};
      // Powertools drops an empty dimension value, which would publish under another dimension set.
      const dimensions = spec.dimensions.map((key): [string, string] => [key, given[key] || 'none']);
      const key = JSON.stringify(dimensions);
      const group = pending.get(key) ?? { dimensions, values: [] };
      group.values.push({ name, unit: spec.unit, value });
      pending.set(key, group);
    },
    flush() {
      const groups = [...pending.values()];
      pending = new Map();
      // Only groups with values are published, so an invocation without metrics writes nothing and
      // Powertools' "no metrics to publish" warning never fires.
      for (const group of groups) publish(powertools, group, logger);
    },
  };
}

/** Metrics must not fail the invocation that flushes them (a `finally` would replace its result). */
function publish(powertools: PowertoolsMetrics, group: PendingGroup, logger: Logger | undefined): void {
  try {
    for (const [name, value] of group.dimensions) powertools.addDimension(name, value);
    for (const { name, unit, value } of group.values) powertools.addMetric(name, unit, value);
    powertools.publishStoredMetrics();
  } catch (error) {
    powertools.clearMetrics();
    powertools.clearDimensions();
    logger?.warn('metrics not published', { error, metrics: group.values.map((entry) => entry.name) });
  }
}
