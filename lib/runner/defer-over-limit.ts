import type { SqsDelivery } from '../queue/queue-ports.js';
import type { TaskEnvelope } from '../tasks/task-envelope.js';

/**
 * Receives after which a record over its limit is sent again instead of hidden again. Every receive counts
 * toward the task queue's redrive `maxReceiveCount` (25 in serverless.yml) and, while Redis is away, toward
 * the attempts SQS reports; a fresh message starts both from zero.
 */
export const RESEND_AFTER_RECEIVES = 5;
const MAX_SLOT_WAIT_MS = 30_000;
// SQS hides or delays a message for at most 15 minutes at a time; a longer window is waited out in steps.
const MAX_WINDOW_WAIT_MS = 900_000;

/**
 * How long a record over its limit stays away: until its rate window opens, or, waiting for a slot (when
 * one frees is unknown), 1 s doubling with each receive up to 30 s, with jitter so waiting records spread.
 */
export function overLimitWaitMs(opensAt: number | undefined, receiveCount: number, now: number): number {
  if (opensAt !== undefined) return Math.min(MAX_WINDOW_WAIT_MS, Math.max(1000, opensAt - now));
  const backoff = Math.min(MAX_SLOT_WAIT_MS, 1000 * 2 ** Math.min(Math.max(receiveCount - 1, 0), 5));
  return backoff / 2 + Math.random() * (backoff / 2);
}

/**
 * Defers an SQS record over its limit without failing it or spending an attempt: hidden for the wait
 * ('throttled', SQS brings it back), or, once it has come back often, re-sent for then ('hopped': this
 * message can go). FIFO queues cannot delay a message, so there it is always hidden.
 */
export async function deferOverLimit(
  delivery: Pick<SqsDelivery, 'changeVisibility' | 'defer'>,
  record: { receiptHandle: string },
  task: TaskEnvelope,
  wait: { opensAt?: number | undefined; receiveCount: number; now: number },
): Promise<'throttled' | 'hopped'> {
  const waitMs = overLimitWaitMs(wait.opensAt, wait.receiveCount, wait.now);
  if (wait.receiveCount >= RESEND_AFTER_RECEIVES) {
    const runAt = Math.max(task.runAt, Math.ceil(wait.now + waitMs));
    if ((await delivery.defer({ ...task, runAt }, record.receiptHandle)) === 'resent') return 'hopped';
    return 'throttled';
  }
  await delivery.changeVisibility(record.receiptHandle, Math.ceil(waitMs / 1000));
  return 'throttled';
}
