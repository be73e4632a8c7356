import type { FailoverEnqueueResult } from '../queue/failover/failover-producer.js';
import type { EnqueueReceipt } from '../queue/index.js';
import { buildEnvelope } from '../tasks/build-envelope.js';
import { TaskValidationError } from '../tasks/errors.js';
import type { TaskEnvelope } from '../tasks/task-envelope.js';
import type { TaskRegistry } from '../tasks/task-registry.js';

export const MAX_BATCH_SIZE = 100;

export interface EnqueueServiceOptions {
  registry: TaskRegistry;
  /** Redis, else SQS: resolves only once a backend stored the tasks. */
  producer: { enqueue(tasks: readonly TaskEnvelope[]): Promise<FailoverEnqueueResult> };
  /** Starts a consumer within its own budget (see `boundedWake`); never throws. */
  wakeConsumer: () => Promise<void>;
  /** Told of every stored batch: metrics of tasks enqueued by path and duplicates suppressed. */
  onStored?: (receipts: readonly EnqueueReceipt[]) => void;
  clock?: () => number;
}

export type BatchItemResult = EnqueueReceipt | { error: { code: string; message: string; issues?: unknown } };

/**
 * Validates, stores (Redis, else SQS) and wakes a consumer. Validation happens before anything is stored:
 * a bad task throws {@link TaskValidationError}; a batch stores its valid tasks in one call and reports
 * the invalid ones per item.
 */
export class EnqueueService {
  readonly #options: EnqueueServiceOptions;

  constructor(options: EnqueueServiceOptions) {
    this.#options = options;
  }

  /** @throws TaskValidationError, EnqueueUnavailableError */
  async enqueue(input: unknown, traceId?: string): Promise<EnqueueReceipt> {
    const envelope = this.#build(input, traceId);
    const [receipt] = await this.#store([envelope]);
    return receipt as EnqueueReceipt;
  }

  /** @throws EnqueueUnavailableError (no receipt for any task of the batch) */
  async enqueueBatch(inputs: readonly unknown[], traceId?: string): Promise<BatchItemResult[]> {
    if (inputs.length > MAX_BATCH_SIZE) {
      throw new TaskValidationError(`a batch holds at most ${MAX_BATCH_SIZE} tasks`, [
        {
          code: 'too_big',
          path: ['tasks'],
          message: `at most ${MAX_BATCH_SIZE}`,
          origin: 'array',
          maximum: MAX_BATCH_SIZE,
          input: inputs.length,
        },
      ]);
    }
    const results: BatchItemResult[] = new Array(inputs.length);
    const valid: { index: number; envelope: TaskEnvelope }[] = [];
    inputs.forEach((input, index) => {
      try {
        valid.push({ index, envelope: this.#build(input, traceId) });
      } catch (error) {
        if (!(error instanceof TaskValidationError)) throw error;
        results[index] = { error: { code: 'invalid_task', message: error.message, issues: error.issues } };
      }
    });
    const receipts = await this.#store(valid.map((item) => item.envelope));
    valid.forEach((item, position) => {
      results[item.index] = receipts[position] as EnqueueReceipt;
    });
    return results;
  }

  #build(input: unknown, traceId: string | undefined): TaskEnvelope {
    const now = (this.#options.clock ?? Date.now)();
    return buildEnvelope(this.#options.registry, input, { now, ...(traceId !== undefined && { traceId }) });
  }

  async #store(envelopes: TaskEnvelope[]): Promise<EnqueueReceipt[]> {
    if (envelopes.length === 0) return [];
    const { receipts, wakeConsumer } = await this.#options.producer.enqueue(envelopes);
    this.#options.onStored?.(receipts);
    if (wakeConsumer) await this.#options.wakeConsumer();
    return receipts;
  }
}
