import type { SQSBatchResponse } from 'aws-lambda';
import type { Logger } from '../observability/logger.js';
import { QueueUnavailableError } from '../queue/errors.js';
import type { JournalPort, SqsDelivery } from '../queue/queue-ports.js';
import type { LeasingTaskQueue, RunClaim } from '../queue/task-queue.js';
import type { TaskEnvelope } from '../tasks/task-envelope.js';
import type { TaskRegistry } from '../tasks/task-registry.js';
import type { ContainerLimits } from './container-limits.js';
import { deferOverLimit } from './defer-over-limit.js';
import { executeTask, type TaskRun } from './execute-task.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { failureOf, journalEntryOf, type Settlement, settleRun } from './settle-policy.js';
import { parseSqsRecord, type SqsTaskRecord } from './sqs-record.js';

export interface SqsBatchOptions {
  registry: TaskRegistry;
  logger: Logger;
  delivery: SqsDelivery;
  journal: Pick<JournalPort, 'record'>;
  /** Redis behind its guard: the run claim and the outcome. */
  redis: Pick<LeasingTaskQueue, 'claimRun' | 'complete' | 'fail'>;
  leaseMs: number;
  concurrency: number;
  /** The limits this container keeps while Redis cannot be asked (one instance per container). */
  containerLimits: ContainerLimits;
  remainingTimeMs: () => number;
  safetyMarginMs?: number;
  /** Told of every attempt as it ends (metrics of outcome and duration). */
  onTaskRun?: (task: TaskEnvelope, run: TaskRun) => void;
  clock?: () => number;
}

export const RecordOutcomes = [
  'wake',
  'succeeded',
  'retry',
  'dead',
  'duplicate',
  'busy',
  'hopped',
  'invalid',
  'deferred',
  'throttled',
  'error',
] as const;
export type RecordOutcome = (typeof RecordOutcomes)[number];

/** Outcomes whose record must come back: reported in `batchItemFailures`. */
const REDELIVERED: ReadonlySet<RecordOutcome> = new Set(['retry', 'busy', 'deferred', 'throttled', 'error']);

export interface SqsBatchResult extends SQSBatchResponse {
  outcomes: Record<RecordOutcome, number>;
  /** Runs made while Redis could not confirm the task had not run elsewhere: possible duplicates. */
  unverifiedRuns: number;
  /** Records held back by a limit: hidden for a while ('throttled') or re-sent for later (among 'hopped'). */
  throttled: number;
  /** Runs of limited tasks that only this container's limits held, Redis being unreachable. */
  limitsUnenforced: number;
}

interface RecordResult {
  outcome: RecordOutcome;
  unverified?: boolean;
  throttled?: boolean;
  unenforced?: boolean;
}

// SQS caps a visibility timeout at 12 hours.
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The SQS consumer. Each record is claimed in Redis (so a task that also sits in Redis runs once), run,
 * and settled by the settle policy: success deletes it, a retryable failure leaves it with a backoff
 * visibility timeout, a dead one goes to the dead-letter queue. Outcomes go to Redis, or to the journal
 * when Redis is unreachable. Only records that must come back are reported as failures. Wake-ups are
 * counted (`outcomes.wake`): the caller drains Redis for them.
 */
export async function processSqsBatch(
  records: readonly unknown[],
  options: SqsBatchOptions,
): Promise<SqsBatchResult> {
  const outcomes = Object.fromEntries(RecordOutcomes.map((name) => [name, 0])) as Record<
    RecordOutcome,
    number
  >;
  const failures: { itemIdentifier: string }[] = [];
  const counts = { unverifiedRuns: 0, throttled: 0, limitsUnenforced: 0 };
  await mapWithConcurrency(records, options.concurrency, async (input) => {
    const parsed = parseSqsRecord(input);
    let outcome: RecordOutcome;
    try {
      if (!parsed.ok) {
        options.logger.warn('record is not a task; dead-lettered', { reason: parsed.reason });
        await options.delivery.deadLetterRaw(parsed.body, parsed.reason);
        outcome = 'invalid';
      } else if ('wake' in parsed) {
        outcome = await wakeRecord(parsed.record, parsed.wake.dueAt, options);
      } else {
        const processed = await processRecord(parsed.record, parsed.task, parsed.receiveCount, options);
        outcome = processed.outcome;
        if (processed.unverified) counts.unverifiedRuns += 1;
        if (processed.throttled) counts.throttled += 1;
        if (processed.unenforced) counts.limitsUnenforced += 1;
      }
    } catch (error) {
      const messageId = parsed.ok ? parsed.record.messageId : undefined;
      options.logger.error('record processing failed; SQS will redeliver it', { messageId, error });
      outcome = 'error';
    }
    outcomes[outcome] += 1;
    if (REDELIVERED.has(outcome) && parsed.ok) failures.push({ itemIdentifier: parsed.record.messageId });
  });
  return { batchItemFailures: failures, outcomes, ...counts };
}

async function processRecord(
  record: SqsTaskRecord,
  task: TaskEnvelope,
  receiveCount: number,
  options: SqsBatchOptions,
): Promise<RecordResult> {
  const { delivery, logger } = options;
  const clock = options.clock ?? Date.now;
  const early = task.runAt - clock();
  if (early > 1000) {
    const deferred = await delivery.defer(task, record.receiptHandle);
    return { outcome: deferred === 'resent' ? 'hopped' : 'deferred' };
  }
  // SQS delays are whole seconds, rounded down: the last fraction of one is waited out here.
  if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
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
  // Redis keeps the limits when it answers; when it cannot, this container keeps them for its own runs.
  const holdBack = async (opensAt: number | undefined): Promise<RecordResult> => {
    const wait = { opensAt, receiveCount, now: clock() };
    return { outcome: await deferOverLimit(delivery, record, task, wait), throttled: true };
  };
  if (claim?.decision === 'throttled') return holdBack(claim.opensAt);
  const admission = claim === undefined && task.limits ? options.containerLimits.admit(task) : undefined;
  if (admission?.admitted === false) return holdBack(admission.opensAt);
  const running: TaskEnvelope = { ...task, attempt: claim ? claim.attempt : task.attempt + receiveCount };
  let run: TaskRun;
  try {
    run = await executeTask(options.registry, running, {
      via: 'sqs',
      logger,
      timeoutMs: Math.min(task.timeoutMs, timeLeft),
    });
  } finally {
    if (admission?.admitted) admission.release();
  }
  options.onTaskRun?.(running, run);
  const settlement = settleRun(options.registry, running, run, clock());
  await settleRecord(record, running, settlement, options);
  await recordOutcome(running, settlement, claim?.token, options);
  return {
    outcome: settlement.state === 'failed' ? 'retry' : settlement.state,
    unverified: claim === undefined,
    unenforced: admission !== undefined,
  };
}

/**
 * A wake-up: the caller drains Redis after the batch. On a FIFO queue (no per-message delays) one can come
 * early; it is hidden until its due time instead.
 */
async function wakeRecord(
  record: SqsTaskRecord,
  dueAt: number,
  options: SqsBatchOptions,
): Promise<RecordOutcome> {
  const early = dueAt - (options.clock ?? Date.now)();
  if (early <= 1000) return 'wake';
  await options.delivery.changeVisibility(
    record.receiptHandle,
    Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(early / 1000)),
  );
  return 'deferred';
}

/**
 * The run claim, or undefined when Redis cannot be asked: then the task runs unverified (at-least-once;
 * the README's "What happens when things break"). An answer that proves a bug is thrown, not run past.
 */
async function claimRun(task: TaskEnvelope, options: SqsBatchOptions): Promise<RunClaim | undefined> {
  try {
    return await options.redis.claimRun(task, options.leaseMs);
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    options.logger.warn('run claim unavailable; running unverified', { taskId: task.id, error });
    return undefined;
  }
}

/** What SQS must do with the message: dead-letter it, or hide it for the retry's backoff. */
async function settleRecord(
  record: SqsTaskRecord,
  task: TaskEnvelope,
  settlement: Settlement,
  options: SqsBatchOptions,
): Promise<void> {
  if (settlement.state === 'dead') await options.delivery.deadLetter(task, settlement.error, task.attempt);
  if (settlement.state === 'failed') {
    const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, Math.ceil(settlement.delayMs / 1000)));
    await options.delivery.changeVisibility(record.receiptHandle, seconds);
  }
}

/** Writes the outcome into the status view: straight to Redis when it answers, else into the journal. */
async function recordOutcome(
  task: TaskEnvelope,
  settlement: Settlement,
  token: string | undefined,
  options: SqsBatchOptions,
): Promise<void> {
  const { redis } = options;
  if (token) {
    try {
      const [outcome] =
        settlement.state === 'succeeded'
          ? (await redis.complete(token, [{ id: task.id, result: settlement.result }])).outcomes
          : (await redis.fail(token, [failureOf(task.id, settlement)])).outcomes;
      if (outcome && outcome.state !== 'lost') return;
    } catch (error) {
      options.logger.warn('could not record outcome in redis; journaling', { taskId: task.id, error });
    }
  }
  await options.journal.record(journalEntryOf(task, settlement, 'sqs', (options.clock ?? Date.now)()));
}
