import type { EnqueueReceipt } from '../queue/index.js';
import { TaskValidationError } from '../tasks/index.js';
import type { TriggerDeps } from './trigger-deps.js';

export type EnqueueAttempt =
  | { ok: true; receipt: EnqueueReceipt }
  | { ok: false; message: string; issues: TaskValidationError['issues'] };

/**
 * Enqueues one task, turning a validation failure into a value: a retry cannot fix the task, so it is
 * reported, never thrown. Any other error (no queue accepted the task) is thrown as it is, so that Lambda
 * retries the event and the tasks already enqueued from it dedupe by their keys.
 *
 * @example
 * const attempt = await tryEnqueue(deps, { ...task, idempotencyKey });
 * if (!attempt.ok) reject(attempt.message, attempt.issues);
 */
export async function tryEnqueue(deps: Pick<TriggerDeps, 'enqueue'>, task: unknown): Promise<EnqueueAttempt> {
  try {
    return { ok: true, receipt: await deps.enqueue(task) };
  } catch (error) {
    if (!(error instanceof TaskValidationError)) throw error;
    return { ok: false, message: error.message, issues: error.issues };
  }
}
