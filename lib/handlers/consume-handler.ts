import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import type { ConsumeFunctionApp } from '../app/tandem-app.js';
import type { InvocationContext } from '../observability/logger.js';
import type { DrainSummary } from '../runner/drain-queue.js';

/**
 * What a handler reads from the Lambda context (the time left; request id and function name for logs):
 * tests pass `{ getRemainingTimeInMillis: () => 60_000 }`.
 */
export type LambdaContext = Pick<Context, 'getRemainingTimeInMillis'> & InvocationContext;

/** A direct invoke (a test, an operator) that drains Redis; wake-ups proper arrive as SQS records. */
export const WAKE_EVENT = { source: 'tandem.wake' } as const;
export type WakeEvent = typeof WAKE_EVENT;

/** One function, two triggers: SQS batches from the event source mapping, and wake-ups for the Redis queue. */
export interface ConsumeHandler {
  (event: SQSEvent, context: LambdaContext): Promise<SQSBatchResponse>;
  (event: WakeEvent, context: LambdaContext): Promise<DrainSummary>;
}

const WakeEventSchema = z.object({ source: z.literal(WAKE_EVENT.source) });
// Only the envelope: each record is checked on its own by the SQS consumer, so one bad record cannot
// block its siblings.
const SqsEventSchema = z.object({
  Records: z.array(z.looseObject({ eventSource: z.literal('aws:sqs') })).check(z.minLength(1)),
});

type Processor = (
  app: ConsumeFunctionApp,
  context: LambdaContext,
) => Promise<SQSBatchResponse | DrainSummary>;

/** The one place that tells the consume function's event sources apart. */
function processorFor(event: unknown): Processor | undefined {
  if (WakeEventSchema.safeParse(event).success) {
    return (app, context) => app.drain(() => context.getRemainingTimeInMillis());
  }
  const sqs = SqsEventSchema.safeParse(event);
  if (sqs.success) {
    return async (app, context) => {
      const result = await app.consumeSqs(sqs.data.Records, () => context.getRemainingTimeInMillis());
      return { batchItemFailures: result.batchItemFailures };
    };
  }
  return undefined;
}

/**
 * The consume function over `app()`. An SQS batch is run record by record and only the records that
 * must come back are returned in `batchItemFailures` (the mapping uses `ReportBatchItemFailures`); a wake
 * event drains Redis until it is empty or the Lambda's time runs short. An event of any other shape is
 * logged, not thrown, and acknowledges nothing: each of its records is reported as a failure.
 *
 * @example
 * export const handler = createConsumeHandler(() => app);
 */
export function createConsumeHandler(app: () => ConsumeFunctionApp): ConsumeHandler {
  const consume = async (event: unknown, context: LambdaContext) => {
    const tandem = app();
    tandem.logger.addContext?.(context);
    try {
      const processor = processorFor(event);
      if (processor) return await processor(tandem, context);
      tandem.logger.error('consume: unsupported event; nothing acknowledged', { keys: describeKeys(event) });
      return { batchItemFailures: unacknowledged(event) };
    } finally {
      tandem.metrics.flush();
    }
  };
  return consume as ConsumeHandler;
}

function describeKeys(event: unknown): string {
  if (typeof event !== 'object' || event === null) return typeof event;
  return Object.keys(event).slice(0, 10).join(', ') || '(none)';
}

/** Every record of an event this function cannot process, as a batch item failure. */
function unacknowledged(event: unknown): { itemIdentifier: string }[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) return [];
  return records.flatMap((record: unknown) => {
    const { messageId, eventID } = (record ?? {}) as { messageId?: unknown; eventID?: unknown };
    const id = typeof messageId === 'string' ? messageId : eventID;
    return typeof id === 'string' ? [{ itemIdentifier: id }] : [];
  });
}
