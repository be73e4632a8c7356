import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { InvocationContext, Metrics } from '../lib/observability/index.js';
import type { DrainSummary, SqsBatchResult } from '../lib/runner/index.js';
import type { Runtime } from '../lib/runtime/index.js';
import { WAKE_EVENT } from '../lib/runtime/index.js';
import { containerRuntime } from './container.js';

/**
 * What a handler reads from the Lambda context: the time left, and what log lines carry (request id, function
 * name…). Tests may pass only `{ getRemainingTimeInMillis: () => 60_000 }`.
 */
export type LambdaContext = Pick<Context, 'getRemainingTimeInMillis'> & InvocationContext;

/** What a wake-up sends (`{ source: 'tandem.wake' }`): drain Redis. */
export type WakeEvent = typeof WAKE_EVENT;

/** One function, two triggers: SQS batches from the event source mapping, and wake-ups for the Redis queue. */
export interface ConsumeHandler {
  (event: SQSEvent, context: LambdaContext): Promise<SQSBatchResponse>;
  (event: WakeEvent, context: LambdaContext): Promise<DrainSummary>;
}

/**
 * The consume function over `runtime`. An SQS batch is run record by record and only the records that
 * must come back are returned in `batchItemFailures` (the mapping uses `ReportBatchItemFailures`); a wake
 * event (`{ source: 'tandem.wake' }`) drains Redis until it is empty or the Lambda's time runs short.
 * Metrics are flushed once per invocation, whatever happened.
 *
 * @example
 * const consume = createConsumeHandler(runtime);
 * const { batchItemFailures } = await consume(sqsEvent, context);
 */
export function createConsumeHandler(runtime: Runtime): ConsumeHandler {
  return buildConsume(runtime) as ConsumeHandler;
}

type AnyConsume = (event: unknown, context: LambdaContext) => Promise<SQSBatchResponse | DrainSummary>;

let consume: AnyConsume | undefined;

/** The Lambda entry point; builds the container's runtime on the first invocation. */
export const handler = ((event: unknown, context: LambdaContext) => {
  consume ??= buildConsume(containerRuntime());
  return consume(event, context);
}) as ConsumeHandler;

function buildConsume(runtime: Runtime): AnyConsume {
  const { logger, metrics } = runtime;
  return async (event, context) => {
    logger.addContext?.(context);
    const remainingTimeMs = () => context.getRemainingTimeInMillis();
    const started = performance.now();
    try {
      if (isWakeEvent(event)) {
        const summary = await runtime.drain(remainingTimeMs);
        recordDrain(metrics, summary, performance.now() - started);
        return summary;
      }
      if (isSqsEvent(event)) {
        const result = await runtime.processSqs(event.Records, remainingTimeMs);
        recordBatch(metrics, result, performance.now() - started);
        logger.info('sqs batch processed', {
          records: event.Records.length,
          outcomes: result.outcomes,
          unverifiedRuns: result.unverifiedRuns,
          failures: result.batchItemFailures.length,
        });
        return { batchItemFailures: result.batchItemFailures };
      }
      // A trigger this function was never meant to have: fail loudly rather than acknowledge anything.
      throw new TypeError(`consume: unsupported event (keys: ${describeKeys(event)})`);
    } finally {
      metrics.flush();
    }
  };
}

function isWakeEvent(event: unknown): event is WakeEvent {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as { source?: unknown }).source === WAKE_EVENT.source
  );
}

function isSqsEvent(event: unknown): event is SQSEvent {
  const records =
    typeof event === 'object' && event !== null ? (event as { Records?: unknown }).Records : undefined;
  return (
    Array.isArray(records) &&
    records.every(
      (record: unknown) =>
        typeof record === 'object' &&
        record !== null &&
        (record as { eventSource?: unknown }).eventSource === 'aws:sqs',
    )
  );
}

function describeKeys(event: unknown): string {
  if (typeof event !== 'object' || event === null) return typeof event;
  return Object.keys(event).slice(0, 10).join(', ') || '(none)';
}

function recordBatch(metrics: Metrics, result: SqsBatchResult, durationMs: number): void {
  for (const [outcome, count] of Object.entries(result.outcomes)) {
    if (count > 0) metrics.add('TaskOutcome', count, { via: 'sqs', outcome });
  }
  // Always published, zero included, so that alarms on them have data points.
  metrics.add('DuplicatesSuppressed', result.outcomes.duplicate, { at: 'consume' });
  metrics.add('UnverifiedRuns', result.unverifiedRuns, { via: 'sqs' });
  metrics.add('BatchItemFailures', result.batchItemFailures.length, { via: 'sqs' });
  metrics.add('ConsumeDuration', Math.round(durationMs), { via: 'sqs' });
}

function recordDrain(metrics: Metrics, summary: DrainSummary, durationMs: number): void {
  const outcomes = {
    succeeded: summary.succeeded,
    failed: summary.failed,
    dead: summary.dead,
    released: summary.released,
    lost: summary.lost,
    journaled: summary.journaled,
  };
  for (const [outcome, count] of Object.entries(outcomes)) {
    if (count > 0) metrics.add('TaskOutcome', count, { via: 'redis', outcome });
  }
  metrics.add('TasksClaimed', summary.claimed, { via: 'redis' });
  metrics.add('ConsumeDuration', Math.round(durationMs), { via: 'redis' });
}
