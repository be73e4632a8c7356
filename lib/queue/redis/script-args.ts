import { type TaskEnvelope, TaskEnvelopeSchema } from '../../tasks/task-envelope.js';
import { scopedLimitKey } from '../../tasks/task-limits.js';
import { QueueLogicError } from '../errors.js';
import type { ClaimRequest, JournalEntry, TaskFailure, TaskSuccess } from '../task-queue.js';
import { idempotencyHash, type QueueKeys } from './queue-keys.js';

/** What every script's ARGV is built from besides its own input. */
export interface ScriptArgContext {
  keys: QueueKeys;
  now: number;
  idempotencyTtlMs: number;
  resultTtlMs: number;
  wakeHoldMs: number;
}

type Args = (string | number)[];

/** The context of a script call made now, from the queue's keys and settings. */
export function argContext(
  keys: QueueKeys,
  settings: Omit<ScriptArgContext, 'keys' | 'now'> & { clock: () => number },
): ScriptArgContext {
  const { idempotencyTtlMs, resultTtlMs, wakeHoldMs } = settings;
  return { keys, now: settings.clock(), idempotencyTtlMs, resultTtlMs, wakeHoldMs };
}

const idemHash = (envelope: TaskEnvelope) =>
  envelope.idempotencyKey ? idempotencyHash(envelope.idempotencyKey) : '';

/** The `climit` and `rlimit` fields of limits.ts ('' for none). */
export function limitFields({ type, limits }: TaskEnvelope): [string, string] {
  const { concurrency, rate } = limits ?? {};
  return [
    concurrency ? `${concurrency.limit}|${scopedLimitKey(type, concurrency.key)}` : '',
    rate ? `${rate.limit}|${rate.periodMs}|${scopedLimitKey(type, rate.key)}` : '',
  ];
}

/** ARGV of `enqueue.lua` (see its header): the batch after its fixed arguments, 10 per task. */
export function enqueueArgs(context: ScriptArgContext, tasks: readonly TaskEnvelope[]): Args {
  const { keys } = context;
  const args: Args = [
    keys.taskPrefix,
    keys.idempotencyPrefix,
    context.now,
    context.idempotencyTtlMs,
    context.wakeHoldMs,
    tasks.length,
  ];
  for (const task of tasks) {
    args.push(
      task.id,
      idemHash(task),
      JSON.stringify(task),
      task.priority,
      task.runAt,
      task.maxAttempts,
      task.type,
      task.createdAt,
      ...limitFields(task),
    );
  }
  return args;
}

/** ARGV of `claim.lua` (see its header). */
export function claimArgs(
  context: ScriptArgContext,
  { max, leaseMs, consumerId, slotTtlMs, maxRateLimited = max }: ClaimRequest,
  token: string,
  settings: { maxPromotions: number; maxClaimScan: number },
): Args {
  const { maxPromotions, maxClaimScan } = settings;
  const { taskPrefix } = context.keys;
  return [
    taskPrefix,
    context.now,
    leaseMs,
    max,
    token,
    maxPromotions,
    consumerId,
    slotTtlMs,
    maxClaimScan,
    maxRateLimited,
  ];
}

/** ARGV of `claim-run.lua` (see its header). */
export function claimRunArgs(
  context: ScriptArgContext,
  envelope: TaskEnvelope,
  leaseMs: number,
  token: string,
): Args {
  const { keys } = context;
  return [
    keys.taskPrefix,
    keys.idempotencyPrefix,
    context.now,
    leaseMs,
    token,
    envelope.id,
    idemHash(envelope),
    context.idempotencyTtlMs,
    JSON.stringify(envelope),
    envelope.priority,
    envelope.runAt,
    envelope.maxAttempts,
    envelope.type,
    envelope.createdAt,
    envelope.attempt,
    ...limitFields(envelope),
  ];
}

/** ARGV of `complete.lua` (see its header): id and result JSON per task. */
export function completeArgs(
  context: ScriptArgContext,
  token: string,
  successes: readonly TaskSuccess[],
): Args {
  const args: Args = [context.keys.taskPrefix, context.now, token, context.resultTtlMs, successes.length];
  for (const success of successes) {
    args.push(success.id, success.result === undefined ? '' : (JSON.stringify(success.result) ?? ''));
  }
  return args;
}

/** ARGV of `fail.lua` (see its header): the settle policy's decision per task. */
export function failArgs(context: ScriptArgContext, token: string, failures: readonly TaskFailure[]): Args {
  const args: Args = [context.keys.taskPrefix, context.now, token, failures.length];
  for (const failure of failures) {
    args.push(failure.id, failure.error.slice(0, 2000), failure.dead ? 1 : 0, failure.retryAt);
  }
  return args;
}

/** ARGV of `apply-journal.lua` (see its header): 14 per entry. */
export function applyJournalArgs(context: ScriptArgContext, entries: readonly JournalEntry[]): Args {
  const { keys } = context;
  const args: Args = [
    keys.taskPrefix,
    keys.idempotencyPrefix,
    context.idempotencyTtlMs,
    context.resultTtlMs,
    entries.length,
  ];
  for (const entry of entries) {
    const { envelope } = entry;
    args.push(
      envelope.id,
      entry.state,
      entry.attempt,
      entry.finishedAt,
      entry.error ?? '',
      entry.result === undefined ? '' : (JSON.stringify(entry.result) ?? ''),
      JSON.stringify(envelope),
      envelope.type,
      envelope.maxAttempts,
      envelope.createdAt,
      envelope.priority,
      idemHash(envelope),
      entry.via,
      envelope.runAt,
    );
  }
  return args;
}

/**
 * A Lua script that fails halfway keeps its earlier writes, so a batch is checked whole before it is sent:
 * one bad envelope stores nothing.
 */
export function validEnvelope(task: TaskEnvelope): TaskEnvelope {
  const parsed = TaskEnvelopeSchema.safeParse(task);
  if (parsed.success) return parsed.data;
  throw new QueueLogicError(`task ${String(task.id)} is not a valid envelope`, 'redis', {
    cause: parsed.error,
  });
}
