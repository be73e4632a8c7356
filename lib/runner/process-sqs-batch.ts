import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Logger } from '../observability/logger.js';
import type { CircuitBreaker } from '../queue/failover/circuit-breaker.js';
import { guardedRedisCall } from '../queue/failover/guarded-call.js';
import type { JournalEntry, LeasingTaskQueue } from '../queue/task-queue.js';
import { type TaskEnvelope, TaskEnvelopeSchema } from '../tasks/task-envelope.js';
import type { TaskRegistry } from '../tasks/task-registry.js';
import { executeTask, retryDelayMs, type TaskRun } from './execute-task.js';
import { mapWithConcurrency } from './map-with-concurrency.js';

/** What the record processor needs from SQS (implemented by the SQS adapter). */
export interface SqsDelivery {
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
  /**
   * A task arrived before its runAt (SQS delays stop at 15 minutes): re-send it with the remaining delay
   * ('resent': this message can go), or keep this message hidden until then ('waiting', FIFO queues).
   */
  defer(envelope: TaskEnvelope, receiptHandle: string): Promise<'resent' | 'waiting'>;
  deadLetter(envelope: TaskEnvelope, reason: string, attempt: number): Promise<void>;
  /** For a body that is not a task at all: kept with its reason for a human to look at. */
  deadLetterRaw(body: string, reason: string): Promise<void>;
}

export interface SqsBatchOptions {
  registry: TaskRegistry;
  logger: Logger;
  delivery: SqsDelivery;
  journal: { record(entry: JournalEntry): Promise<void> };
  redis: LeasingTaskQueue;
  breaker: CircuitBreaker;
  redisTimeoutMs: number;
  leaseMs: number;
  concurrency: number;
  remainingTimeMs: () => number;
  safetyMarginMs?: number;
  /** Told of every attempt as it ends (metrics of outcome and duration). */
  onTaskRun?: (task: TaskEnvelope, run: TaskRun) => void;
  clock?: () => number;
}

export type RecordOutcome =
  | 'succeeded'
  | 'retry'
  | 'dead'
  | 'duplicate'
  | 'busy'
  | 'hopped'
  | 'invalid'
  | 'deferred'
  | 'error';

export interface SqsBatchResult extends SQSBatchResponse {
  outcomes: Record<RecordOutcome, number>;
  /** Runs made while Redis could not confirm the task had not run elsewhere: possible duplicates. */
  unverifiedRuns: number;
}

// SQS caps a visibility timeout at 12 hours.
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The SQS consumer. Each record is claimed in Redis (so a task that also sits in Redis runs once), run,
 * and settled: success deletes it, a retryable failure leaves it with a backoff visibility timeout,
 * the last attempt or an unrecoverable failure sends it to the dead-letter queue. Outcomes go to Redis,
 * or to the journal when Redis is unreachable. Only records that must come back are reported as failures.
 */
export async function processSqsBatch(
  records: readonly SQSRecord[],
  options: SqsBatchOptions,
): Promise<SqsBatchResult> {
  const outcomes: Record<RecordOutcome, number> = {
    succeeded: 0,
    retry: 0,
    dead: 0,
    duplicate: 0,
    busy: 0,
    hopped: 0,
    invalid: 0,
    deferred: 0,
    error: 0,
  };
  const failures: { itemIdentifier: string }[] = [];
  let unverifiedRuns = 0;
  await mapWithConcurrency(records, options.concurrency, async (record) => {
    let outcome: RecordOutcome;
    try {
      const processed = await processRecord(record, options);
      outcome = processed.outcome;
      if (processed.unverified) unverifiedRuns += 1;
    } catch (error) {
      options.logger.error('record processing failed; SQS will redeliver it', {
        messageId: record.messageId,
        error,
      });
      outcome = 'error';
    }
    outcomes[outcome] += 1;
    if (outcome === 'retry' || outcome === 'busy' || outcome === 'deferred' || outcome === 'error') {
      failures.push({ itemIdentifier: record.messageId });
    }
  });
  return { batchItemFailures: failures, outcomes, unverifiedRuns };
}

async function processRecord(
  record: SQSRecord,
  options: SqsBatchOptions,
): Promise<{ outcome: RecordOutcome; unverified?: boolean }> {
  const { delivery, logger } = options;
  const clock = options.clock ?? Date.now;
  const envelope = parseEnvelope(record.body);
  if (!envelope.ok) {
    logger.warn('record is not a task; dead-lettered', {
      messageId: record.messageId,
      reason: envelope.reason,
    });
    await delivery.deadLetterRaw(record.body, envelope.reason);
    return { outcome: 'invalid' };
  }
  const task = envelope.task;
  if (task.runAt > clock() + 1000) {
    const deferred = await delivery.defer(task, record.receiptHandle);
    return { outcome: deferred === 'resent' ? 'hopped' : 'deferred' };
  }
  const timeLeft = options.remainingTimeMs() - (options.safetyMarginMs ?? 5_000);
  if (timeLeft <= 0) return { outcome: 'deferred' };

  const claim = await claimRun(task, options);
  if (claim?.decision === 'duplicate') {
    logger.info('duplicate delivery suppressed', { taskId: task.id, state: claim.state });
    return { outcome: 'duplicate' };
  }
  if (claim?.decision === 'busy') {
    await delivery.changeVisibility(record.receiptHandle, Math.ceil(options.leaseMs / 1000));
    return { outcome: 'busy' };
  }
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
  const attempt = claim ? claim.attempt : task.attempt + receiveCount;
  const running: TaskEnvelope = { ...task, attempt };
  const run = await executeTask(options.registry, running, {
    via: 'sqs',
    logger,
    timeoutMs: Math.min(task.timeoutMs, timeLeft),
  });
  options.onTaskRun?.(running, run);
  const outcome = await settle(record, running, run, claim?.token, options);
  return { outcome, unverified: claim === undefined };
}

/** The run claim, or undefined when Redis cannot be asked: then the task runs unverified (DESIGN.md §4). */
async function claimRun(task: TaskEnvelope, options: SqsBatchOptions) {
  try {
    return await guardedRedisCall(options.breaker, options.redisTimeoutMs, 'claim-run', () =>
      options.redis.claimRun(task, options.leaseMs),
    );
  } catch (error) {
    options.logger.warn('run claim unavailable; running unverified', { taskId: task.id, error });
    return undefined;
  }
}

async function settle(
  record: SQSRecord,
  task: TaskEnvelope,
  run: TaskRun,
  token: string | undefined,
  options: SqsBatchOptions,
): Promise<RecordOutcome> {
  const clock = options.clock ?? Date.now;
  const now = clock();
  const dead = !run.ok && (run.unrecoverable || task.attempt >= task.maxAttempts);
  if (!run.ok && dead) await options.delivery.deadLetter(task, run.error, task.attempt);

  let delayMs = 0;
  if (!run.ok && !dead) {
    delayMs = retryDelayMs(options.registry, task);
    const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, Math.ceil(delayMs / 1000)));
    await options.delivery.changeVisibility(record.receiptHandle, seconds);
  }

  await recordOutcome(task, run, dead, token, now + delayMs, options);
  if (run.ok) return 'succeeded';
  return dead ? 'dead' : 'retry';
}

/** Writes the outcome into the status view: straight to Redis when it answers, else into the journal. */
async function recordOutcome(
  task: TaskEnvelope,
  run: TaskRun,
  dead: boolean,
  token: string | undefined,
  retryAt: number,
  options: SqsBatchOptions,
): Promise<void> {
  const { redis, breaker, redisTimeoutMs } = options;
  if (token) {
    try {
      const ack = run.ok
        ? () => redis.complete(token, [{ id: task.id, result: run.result }])
        : () => redis.fail(token, [{ id: task.id, error: run.error, unrecoverable: dead, retryAt }]);
      const [outcome] = await guardedRedisCall(breaker, redisTimeoutMs, run.ok ? 'complete' : 'fail', ack);
      if (outcome && outcome.state !== 'lost') return;
    } catch (error) {
      options.logger.warn('could not record outcome in redis; journaling', { taskId: task.id, error });
    }
  }
  await options.journal.record({
    envelope: task,
    via: 'sqs',
    state: run.ok ? 'succeeded' : dead ? 'dead' : 'failed',
    attempt: task.attempt,
    finishedAt: (options.clock ?? Date.now)(),
    ...(run.ok ? { result: run.result } : { error: run.error }),
  });
}

function parseEnvelope(body: string): { ok: true; task: TaskEnvelope } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = TaskEnvelopeSchema.safeParse(json);
  if (parsed.success) return { ok: true, task: parsed.data };
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, reason: `not a task envelope: ${issues.slice(0, 5).join('; ')}` };
}
