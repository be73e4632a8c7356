import { errorMessage } from '../../observability/error-message.js';
import type { Backend, TaskEnvelope } from '../../tasks/task-envelope.js';
import { EnqueueUnavailableError, QueueTimeoutError, QueueUnavailableError } from '../errors.js';
import { withDeadline } from '../guard/with-deadline.js';
import type { EnqueueOutcome, JournalEntry, TaskSink } from '../task-queue.js';

/** What the caller of enqueue is told, per task: HTTP 202's body. */
export interface EnqueueReceipt extends EnqueueOutcome {
  via: Backend;
}

export interface FailoverEnqueueResult {
  receipts: EnqueueReceipt[];
  wakeConsumer: boolean;
}

export interface FailoverEvent {
  kind: 'failover' | 'unavailable' | 'journal-failed';
  reason: string;
  tasks: number;
}

export interface FailoverProducerOptions {
  /** Redis behind its guard (breaker and deadline): it throws QueueUnavailableError when it cannot take tasks. */
  primary: TaskSink;
  fallback: TaskSink;
  fallbackTimeoutMs: number;
  /**
   * Where tasks taken by the fallback are noted (`accepted`), so Redis knows them as soon as it is back:
   * `GET /tasks/{id}` answers and `DELETE` cancels before their SQS delivery.
   */
  journal?: { recordAll(entries: readonly JournalEntry[]): Promise<void> };
  /** `Retry-After` given to callers when neither backend accepted. */
  retryAfterSeconds?: number;
  onEvent?: (event: FailoverEvent) => void;
}

/**
 * Enqueue with failover: Redis within its guard's deadline, else SQS within its own. It resolves only once a
 * backend accepted the tasks; logic errors (bad input, script bugs) are thrown as they are and never
 * fail over, since SQS would only store the same mistake.
 */
export class FailoverProducer {
  readonly #options: FailoverProducerOptions;

  constructor(options: FailoverProducerOptions) {
    this.#options = options;
  }

  async enqueue(tasks: readonly TaskEnvelope[]): Promise<FailoverEnqueueResult> {
    const { primary, fallback } = this.#options;
    let primaryError: unknown;
    try {
      const result = await primary.enqueue(tasks);
      return { receipts: withVia(result.outcomes, primary.backend), wakeConsumer: result.wakeConsumer };
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      primaryError = error;
    }

    this.#options.onEvent?.({ kind: 'failover', reason: errorMessage(primaryError), tasks: tasks.length });
    const viaFallback = tasks.map((task) => ({ ...task, enqueuedVia: fallback.backend }));
    const journaled = this.#journalAccepted(viaFallback);
    try {
      const result = await withDeadline(
        fallback.enqueue(viaFallback),
        this.#options.fallbackTimeoutMs,
        'sqs',
        'enqueue',
      );
      await journaled;
      return { receipts: withVia(result.outcomes, fallback.backend), wakeConsumer: false };
    } catch (fallbackError) {
      this.#options.onEvent?.({
        kind: 'unavailable',
        reason: errorMessage(fallbackError),
        tasks: tasks.length,
      });
      // A timed-out request may still be applied after its deadline; a refused or skipped one never is.
      const maybeStored =
        primaryError instanceof QueueTimeoutError || fallbackError instanceof QueueTimeoutError;
      throw new EnqueueUnavailableError(
        this.#options.retryAfterSeconds ?? 1,
        tasks.map((task) => task.id),
        maybeStored,
        { cause: new AggregateError([primaryError, fallbackError], 'redis and sqs both failed') },
      );
    }
  }

  /**
   * Notes the tasks in the journal alongside (not after) storing them, within the same deadline. A task
   * whose note is lost is still stored and runs; Redis learns of it when its outcome is journaled.
   */
  async #journalAccepted(tasks: readonly TaskEnvelope[]): Promise<void> {
    const { journal } = this.#options;
    if (!journal) return;
    const now = Date.now();
    const entries = tasks.map((envelope) => ({
      envelope,
      via: 'sqs' as const,
      state: 'accepted' as const,
      attempt: 0,
      finishedAt: now,
    }));
    try {
      await withDeadline(journal.recordAll(entries), this.#options.fallbackTimeoutMs, 'sqs', 'journal');
    } catch (error) {
      this.#options.onEvent?.({ kind: 'journal-failed', reason: errorMessage(error), tasks: tasks.length });
    }
  }
}

/**
 * Notes the tasks in the journal, alongside (not after) storing them, within the same deadline. A task
 * whose note is lost is still stored and runs; Redis learns of it when it runs or at the reconciler's pass.
 */

function withVia(outcomes: readonly EnqueueOutcome[], via: Backend): EnqueueReceipt[] {
  return outcomes.map((outcome) => ({ ...outcome, via }));
}
