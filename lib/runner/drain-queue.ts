import type { Logger } from '../observability/logger.js';
import type { JournalPort } from '../queue/queue-ports.js';
import type { LeasingTaskQueue, TaskFailure, TaskSuccess } from '../queue/task-queue.js';
import type { TaskEnvelope } from '../tasks/task-envelope.js';
import type { TaskRegistry } from '../tasks/task-registry.js';
import { executeTask, type TaskRun } from './execute-task.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { failureOf, journalEntryOf, type Settlement, settleRun } from './settle-policy.js';

export interface DrainOptions {
  /** Redis behind its guard. */
  queue: LeasingTaskQueue;
  registry: TaskRegistry;
  logger: Logger;
  consumerId: string;
  concurrency: number;
  batchSize: number;
  leaseMs: number;
  /** What the Lambda has left (context.getRemainingTimeInMillis); the loop stops a margin before it. */
  remainingTimeMs: () => number;
  /** Time kept back for acking and giving leases back. */
  safetyMarginMs?: number;
  /** Where outcomes go when Redis cannot take the ack, so the reconciler can write them back before reaping. */
  journal?: Pick<JournalPort, 'record'>;
  /** Told of every attempt as it ends (metrics of outcome and duration). */
  onTaskRun?: (task: TaskEnvelope, run: TaskRun) => void;
  /** Work due this soon is waited for rather than woken for (default 1 s, the wake-ups' resolution). */
  lingerMs?: number;
  /** Set to stop claiming (Ctrl-C in the local stack): running tasks finish, the rest is given back. */
  stopSignal?: AbortSignal;
  clock?: () => number;
}

export interface DrainSummary {
  batches: number;
  claimed: number;
  succeeded: number;
  failed: number;
  dead: number;
  /** Leased but not started before time ran out: given back without spending an attempt. */
  released: number;
  /** Acks Redis refused because the lease had been lost (the task was reaped and may run again). */
  lost: number;
  /** Outcomes that went to the journal because Redis did not take the ack. */
  journaled: number;
  /** Ready tasks the claims parked because their key was at a limit (they run when it has room). */
  throttled: number;
}

/**
 * The Redis consumer: claim a batch → run it with bounded concurrency → ack it in two round trips
 * (completions, then retries/burials) → repeat until the queue is empty or time is short. Leases of
 * running tasks are extended while they run; leased tasks that cannot start in time are given back.
 */
export async function drainQueue(options: DrainOptions): Promise<DrainSummary> {
  const { queue, logger, consumerId, remainingTimeMs } = options;
  const margin = options.safetyMarginMs ?? 5_000;
  const summary: DrainSummary = {
    batches: 0,
    claimed: 0,
    succeeded: 0,
    failed: 0,
    dead: 0,
    released: 0,
    lost: 0,
    journaled: 0,
    throttled: 0,
  };
  const slotTtlMs = options.leaseMs * 2;

  while (remainingTimeMs() > margin && !options.stopSignal?.aborted) {
    const lease = await queue.claim({
      max: options.batchSize,
      leaseMs: options.leaseMs,
      consumerId,
      slotTtlMs,
      maxRateLimited: options.concurrency,
    });
    summary.throttled += lease.throttled;
    if (lease.tasks.length === 0) {
      if (await lingerFor(options, lease.nextDueAt, margin)) continue;
      // Leave only if nothing arrived while we were deciding to leave; the slot's release arms the wake-up
      // for the next due work.
      if ((await queue.releaseConsumerSlot(consumerId)).backlog === 0) break;
      continue;
    }
    summary.batches += 1;
    summary.claimed += lease.tasks.length;
    await runBatch(options, lease.token, lease.tasks, margin, summary);
  }
  logger.info('drain finished', { ...summary });
  return summary;
}

async function runBatch(
  options: DrainOptions,
  token: string,
  tasks: TaskEnvelope[],
  margin: number,
  summary: DrainSummary,
): Promise<void> {
  const { queue, registry, logger, remainingTimeMs } = options;
  const batch = rateLimitedFirst(tasks);
  const heartbeat = keepLeasesAlive(options, token, batch);
  const notStarted: string[] = [];
  const finished: { task: TaskEnvelope; run: TaskRun }[] = [];
  try {
    await mapWithConcurrency(batch, options.concurrency, async (task) => {
      const timeLeft = remainingTimeMs() - margin;
      if (timeLeft <= 0 || options.stopSignal?.aborted) {
        notStarted.push(task.id);
        return;
      }
      const timeoutMs = Math.min(task.timeoutMs, timeLeft);
      const run = await executeTask(registry, task, { via: 'redis', logger, timeoutMs });
      options.onTaskRun?.(task, run);
      finished.push({ task, run });
    });
  } finally {
    heartbeat.stop();
  }

  await acknowledge(options, token, settleAll(options, finished), summary);
  if (notStarted.length > 0) summary.released += (await queue.release(token, notStarted)).length;
}

/**
 * The claim counts a rate-limited task's start in its window when it leases it, so the task must start
 * then, not once a worker of this batch frees up: a start later than counted lets a window at the
 * destination hold more than the limit. The claim leases no more of them than there are workers
 * (`maxRateLimited`), and they go first, so they all start at once; the others keep their order.
 */
function rateLimitedFirst(tasks: TaskEnvelope[]): TaskEnvelope[] {
  const rated = tasks.filter((task) => task.limits?.rate !== undefined);
  if (rated.length === 0) return tasks;
  return [...rated, ...tasks.filter((task) => task.limits?.rate === undefined)];
}

interface Settled {
  task: TaskEnvelope;
  settlement: Settlement;
}

function settleAll(options: DrainOptions, finished: { task: TaskEnvelope; run: TaskRun }[]): Settled[] {
  const now = (options.clock ?? Date.now)();
  return finished.map(({ task, run }) => ({ task, settlement: settleRun(options.registry, task, run, now) }));
}

async function acknowledge(
  options: DrainOptions,
  token: string,
  settled: Settled[],
  summary: DrainSummary,
): Promise<void> {
  const { queue, logger } = options;
  const successes: TaskSuccess[] = [];
  const failures: TaskFailure[] = [];
  for (const { task, settlement } of settled) {
    if (settlement.state === 'succeeded') successes.push({ id: task.id, result: settlement.result });
    else failures.push(failureOf(task.id, settlement));
  }
  try {
    for (const outcome of [
      ...(await queue.complete(token, successes)).outcomes,
      ...(await queue.fail(token, failures)).outcomes,
    ]) {
      if (outcome.state === 'lost') summary.lost += 1;
      else summary[outcome.state] += 1;
    }
  } catch (error) {
    if (!options.journal) throw error;
    // Redis took the tasks but not their outcomes. Journal the final ones so the reconciler writes them back
    // before it reaps the leases (and runs them again); a retryable failure needs nothing: reaping retries it.
    logger.warn('ack failed, journaling final outcomes', { error, tasks: settled.length });
    const finishedAt = (options.clock ?? Date.now)();
    for (const { task, settlement } of settled) {
      if (settlement.state === 'failed') continue;
      await options.journal.record(journalEntryOf(task, settlement, 'redis', finishedAt));
      summary.journaled += 1;
    }
  }
}

/**
 * Wake-ups have a resolution of one second and come early rather than late, so a consumer waits for work
 * due within `lingerMs` (default 1 s) instead of leaving and being woken again: the task starts on time,
 * for the price of that wait.
 */
async function lingerFor(
  options: DrainOptions,
  nextDueAt: number | undefined,
  margin: number,
): Promise<boolean> {
  if (nextDueAt === undefined || options.stopSignal?.aborted) return false;
  const waitMs = Math.max(0, nextDueAt - (options.clock ?? Date.now)());
  if (waitMs > (options.lingerMs ?? 1_000) || options.remainingTimeMs() - waitMs <= margin) return false;
  await new Promise((resolve) => setTimeout(resolve, Math.max(waitMs, 10)));
  return true;
}

/** Extends the batch's leases at a third of the lease period, so long tasks are not reaped while running. */
function keepLeasesAlive(options: DrainOptions, token: string, tasks: TaskEnvelope[]) {
  const ids = tasks.map((task) => task.id);
  const timer = setInterval(() => {
    options.queue.extendLease(token, ids, options.leaseMs).catch((error: unknown) => {
      options.logger.warn('lease extension failed', { error });
    });
  }, options.leaseMs / 3);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
