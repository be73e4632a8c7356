import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../../lib/index.js';
import { lambdaContext } from '../lambda-context.js';
import { pause } from '../pause.js';
import type { EventSourceQueue, PolledMessage } from './sqs-poll-queue.js';
import { toSqsRecord } from './to-sqs-record.js';

/** A Lambda handler for SQS batches; its answer is read as Lambda reads it (`ReportBatchItemFailures`). */
export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

export interface SqsEventSourceOptions {
  queue: EventSourceQueue;
  /** Named in every record (`eventSourceARN`), as Lambda does. */
  queueArn: string;
  handler: SqsBatchHandler;
  logger: Logger;
  /** Records per invocation, 1 to 10 (default 10). */
  batchSize?: number;
  /** Batches in flight at once, one per poller (default 2). */
  concurrency?: number;
  /** Long-poll wait per receive, 0 to 20 s (default 10). Stopping cuts a poll short. */
  waitSeconds?: number;
  /** The function timeout: what `getRemainingTimeInMillis()` starts from in each invocation (default 5 min). */
  functionTimeoutMs?: number;
  functionName?: string;
  region?: string;
}

/** Counters since start, for tests and the start-up line. */
export interface EventSourceStats {
  batches: number;
  records: number;
  /** Records deleted because the handler did not report them as failures. */
  deleted: number;
  /** Records reported in `batchItemFailures`, or whose whole batch failed: left for SQS to deliver again. */
  leftForRedelivery: number;
  /** Invocations that threw or answered something Lambda would reject. */
  failedInvocations: number;
  receiveErrors: number;
}

export interface SqsEventSource {
  readonly stats: Readonly<EventSourceStats>;
  /** Stops polling (a poll in progress is cut short) and waits for the batches in flight to settle. */
  stop(): Promise<void>;
}

const MAX_RECEIVE_BACKOFF_MS = 10_000;

/**
 * Lambda's SQS event source mapping, in process: pollers long-poll the task queue, hand each batch to the
 * handler as a real `SQSEvent`, and then do what Lambda does with `ReportBatchItemFailures`: delete the
 * records not reported as failures and leave the reported ones, which come back when their visibility
 * timeout ends (the handler may have set it for a retry backoff). A handler that throws, or answers with
 * an id that is not in the batch, fails the whole batch: nothing is deleted.
 *
 * @example
 * const source = startSqsEventSource({ queue: sqsPollQueue(client, taskQueueUrl), queueArn, handler, logger });
 * await source.stop();
 */
export function startSqsEventSource(options: SqsEventSourceOptions): SqsEventSource {
  const stopping = new AbortController();
  const stats: EventSourceStats = {
    batches: 0,
    records: 0,
    deleted: 0,
    leftForRedelivery: 0,
    failedInvocations: 0,
    receiveErrors: 0,
  };
  const pollers = Array.from({ length: Math.max(1, options.concurrency ?? 2) }, () =>
    poll(options, stats, stopping.signal),
  );
  const done = Promise.all(pollers);
  return {
    stats,
    async stop() {
      stopping.abort();
      await done;
    },
  };
}

async function poll(options: SqsEventSourceOptions, stats: EventSourceStats, stop: AbortSignal) {
  const { queue, logger } = options;
  const batchSize = Math.min(10, Math.max(1, options.batchSize ?? 10));
  const waitSeconds = Math.min(20, Math.max(0, options.waitSeconds ?? 10));
  let failuresInARow = 0;
  while (!stop.aborted) {
    let messages: PolledMessage[];
    try {
      messages = await queue.receive(batchSize, waitSeconds, undefined, stop);
    } catch (error) {
      if (stop.aborted) break;
      stats.receiveErrors += 1;
      failuresInARow += 1;
      // One line per outage, not one per poll.
      if (failuresInARow === 1) logger.warn('event source: cannot receive from SQS; retrying', { error });
      await pause(Math.min(MAX_RECEIVE_BACKOFF_MS, 500 * 2 ** (failuresInARow - 1)), stop);
      continue;
    }
    if (failuresInARow > 0) logger.info('event source: SQS answers again');
    failuresInARow = 0;
    if (messages.length > 0) await invoke(options, stats, messages, stop);
  }
}

/** One invocation: the batch is settled (deleted or left) before this poller receives again, as in Lambda. */
async function invoke(
  options: SqsEventSourceOptions,
  stats: EventSourceStats,
  messages: PolledMessage[],
  stop: AbortSignal,
) {
  const { logger } = options;
  const records = messages.map((message) => toSqsRecord(message, options.queueArn, options.region));
  stats.batches += 1;
  stats.records += records.length;
  const context = lambdaContext({
    functionName: options.functionName ?? 'consume',
    timeoutMs: options.functionTimeoutMs ?? 300_000,
    ...(options.region !== undefined && { region: options.region }),
    stopSignal: stop,
  });
  let failed: Set<string>;
  try {
    failed = failedRecords(await options.handler({ Records: records }, context), records);
  } catch (error) {
    logger.error('event source: the invocation failed; the whole batch will be delivered again', {
      error,
      records: records.length,
    });
    failed = new Set(records.map((record) => record.messageId));
    stats.failedInvocations += 1;
  }
  stats.leftForRedelivery += failed.size;
  const settled = await Promise.allSettled(
    records
      .filter((record) => !failed.has(record.messageId))
      .map(async (record) => {
        await options.queue.deleteMessage(record.receiptHandle);
        stats.deleted += 1;
      }),
  );
  const notDeleted = settled.filter((result) => result.status === 'rejected');
  if (notDeleted.length > 0) {
    // At least once: an undeleted record comes back and the run claim tells the handler it already ran.
    logger.warn('event source: could not delete finished records; SQS will deliver them again', {
      count: notDeleted.length,
      error: notDeleted[0]?.reason,
    });
  }
}

/**
 * The records Lambda would leave in the queue for this answer. No answer, or one without
 * `batchItemFailures`, means all succeeded; an answer naming an id outside the batch fails it all.
 */
function failedRecords(answer: unknown, records: readonly SQSRecord[]): Set<string> {
  const all = new Set(records.map((record) => record.messageId));
  if (answer === null || answer === undefined || typeof answer !== 'object') return new Set();
  const failures = (answer as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) throw new Error('batchItemFailures is not an array');
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) {
      throw new Error(`batchItemFailures names ${JSON.stringify(id)}, which is not in the batch`);
    }
    failed.add(id);
  }
  return failed;
}
