import { SqsLimits } from './sqs-limits.js';

/** Whole seconds until `runAt` (rounded up, so a task never arrives early because of rounding); 0 when due. */
export function remainingDelaySeconds(runAt: number, now: number): number {
  return Math.max(0, Math.ceil((runAt - now) / 1000));
}

/**
 * The `DelaySeconds` to send with: the remaining delay in whole seconds, rounded down so the message comes
 * at most a second early, never late (the consumer waits out the rest), and capped at SQS's 15 minutes.
 * When the cap bites, the message arrives early and the consumer hops it (re-sends with what remains).
 */
export function sendDelaySeconds(runAt: number, now: number): number {
  return Math.min(Math.max(0, Math.floor((runAt - now) / 1000)), SqsLimits.maxDelaySeconds);
}

/** True when one `DelaySeconds` cannot cover the wait, so the message will need at least one hop. */
export function needsHop(runAt: number, now: number): boolean {
  return remainingDelaySeconds(runAt, now) > SqsLimits.maxDelaySeconds;
}

/**
 * FIFO queues refuse per-message delays, so a consumer that receives a task before its `runAt` hides it
 * with ChangeMessageVisibility instead: this is the visibility to set (capped at SQS's 12 hours).
 */
export function visibilityWaitSeconds(runAt: number, now: number): number {
  return Math.min(remainingDelaySeconds(runAt, now), SqsLimits.maxVisibilitySeconds);
}
