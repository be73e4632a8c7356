import type { JournalEntry, TaskFailure } from '../queue/task-queue.js';
import type { Backend, TaskEnvelope } from '../tasks/task-envelope.js';
import type { TaskRegistry } from '../tasks/task-registry.js';
import { retryDelayMs, type TaskRun } from './execute-task.js';

/** What becomes of a task after one attempt: the one rule both consumers (and Redis) follow. */
export type Settlement =
  | { state: 'succeeded'; result: unknown }
  /** Attempts remain: run again at `retryAt` (the state `failed` reads "retry pending"). */
  | { state: 'failed'; error: string; retryAt: number; delayMs: number }
  | { state: 'dead'; error: string };

/**
 * The settle policy. A success is final; a failure retries after its type's backoff while attempts remain;
 * the last attempt, or an {@link UnrecoverableTaskError}, is dead. Redis is told the decision, not asked
 * to make it, so the drain loop, the SQS consumer and the scripts cannot disagree.
 *
 * @example
 * const settlement = settleRun(registry, task, run, Date.now());
 */
export function settleRun(registry: TaskRegistry, task: TaskEnvelope, run: TaskRun, now: number): Settlement {
  if (run.ok) return { state: 'succeeded', result: run.result };
  if (run.unrecoverable || task.attempt >= task.maxAttempts) return { state: 'dead', error: run.error };
  const delayMs = retryDelayMs(registry, task);
  return { state: 'failed', error: run.error, retryAt: now + delayMs, delayMs };
}

/** The journal entry for a settlement Redis could not take (it is written back by the reconciler). */
export function journalEntryOf(
  task: TaskEnvelope,
  settlement: Settlement,
  via: Backend,
  finishedAt: number,
): JournalEntry {
  return {
    envelope: task,
    via,
    state: settlement.state,
    attempt: task.attempt,
    finishedAt,
    ...(settlement.state === 'succeeded' ? { result: settlement.result } : { error: settlement.error }),
  };
}

/** The Redis ack of a failed attempt: the decision, carried out by `fail.lua`. */
export function failureOf(id: string, settlement: Exclude<Settlement, { state: 'succeeded' }>): TaskFailure {
  const dead = settlement.state === 'dead';
  return { id, error: settlement.error, dead, retryAt: dead ? 0 : settlement.retryAt };
}
