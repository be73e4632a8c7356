import type { Config } from '../config/index.js';
import type { Logger, Metrics } from '../observability/index.js';
import type { EnqueueReceipt } from '../queue/index.js';

/**
 * What the trigger handlers need, and no more: a function that enqueues one task, where to log and
 * count, and the event-to-task mapping. Any runtime fits, and so does an in-memory fake.
 *
 * @example
 * const deps: TriggerDeps = {
 *   enqueue: (input) => app.enqueue(input),
 *   logger: app.logger,
 *   metrics: app.metrics,
 *   mapping: app.config.events,
 * };
 */
export interface TriggerDeps {
  /**
   * Validates and stores one task. Throws `TaskValidationError` for a task that must never be stored; any
   * other error means no queue accepted it.
   */
  enqueue(input: unknown): Promise<EnqueueReceipt>;
  logger: Logger;
  metrics: Metrics;
  /** `SNS_TOPIC_TASK_TYPES` and `S3_TASK_TYPE`. */
  mapping: Config['events'];
  /** Epoch milliseconds; stands in for a schedule's missing `time`. Default `Date.now`. */
  clock?: () => number;
}
