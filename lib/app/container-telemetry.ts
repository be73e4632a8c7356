import { createLogger } from '../observability/create-logger.js';
import { createMetrics } from '../observability/create-metrics.js';
import type { QueuePorts } from '../queue/index.js';
import type { TandemAppOptions } from './app-parts.js';
import { appTelemetry } from './app-telemetry.js';
import { OpsRecorder } from './ops-recorder.js';
import { withOpsTimeline } from './ops-telemetry.js';

/**
 * What a container reports with, built once: its logger and metrics (given, or made from the config), its
 * id, its operations timeline recorder, and the use cases' telemetry (logs, metrics and the timeline).
 * `ports` is read on first use: the ports are built after the breaker the recorder hears. Adapters made
 * elsewhere (tests) have a guard of their own, whose breaker is heard too.
 *
 * @example
 * const { logger, metrics, consumerId, recorder, telemetry } = containerTelemetry(options, () => ports);
 */
export function containerTelemetry(options: TandemAppOptions, ports: () => QueuePorts) {
  const { config } = options;
  const logger = options.logger ?? createLogger({ fields: { queue: config.queue.name } });
  const metrics = options.metrics ?? createMetrics({ defaults: { queue: config.queue.name }, logger });
  const consumerId =
    options.consumerId ?? `consumer-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const recorder = new OpsRecorder({ store: () => ports().ops, source: consumerId, logger });
  const telemetry = withOpsTimeline(appTelemetry(logger, metrics), recorder);
  options.adapters?.guard.onTransition(telemetry.breakerTransition);
  return { logger, metrics, consumerId, recorder, telemetry };
}
