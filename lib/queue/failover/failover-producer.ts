import { errorMessage } from '../../observability/error-message.js';
import type { Backend, TaskEnvelope } from '../../tasks/task-envelope.js';
import { EnqueueUnavailableError, QueueTimeoutError, QueueUnavailableError } from '../errors.js';
import { withDeadline } from '../guard/with-deadline.js';
import type { EnqueueOutcome, TaskSink } from '../task-queue.js';

/** What the caller of enqueue is told, per task: HTTP 202's body. */
export interface EnqueueReceipt extends EnqueueOutcome {
  via: Backend;
}

export interface FailoverEnqueueResult {
  receipts: EnqueueReceipt[];
  wakeConsumer: boolean;
}

export interface FailoverEvent {
  kind: 'failover' | 'unavailable';
  reason: string;
  tasks: number;
}

export interface FailoverProducerOptions {
  /** Redis behind its guard (breaker and deadline): it throws QueueUnavailableError when it cannot take tasks. */
  primary: TaskSink;
  fallback: TaskSink;
  fallbackTimeoutMs: number;
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
    try {
      const result = await withDeadline(
        fallback.enqueue(viaFallback),
        this.#options.fallbackTimeoutMs,
        'sqs',
        'enqueue',
      );
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
}

function withVia(outcomes: readonly EnqueueOutcome[], via: Backend): EnqueueReceipt[] {
  return outcomes.map((outcome) => ({ ...outcome, via }));
}
