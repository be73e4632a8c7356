import { EnqueueUnavailableError } from '../../../lib/queue/errors.js';
import type { EnqueueReceipt } from '../../../lib/queue/failover/failover-producer.js';
import { buildEnvelope } from '../../../lib/tasks/build-envelope.js';
import type { TaskEnvelope } from '../../../lib/tasks/task-envelope.js';
import type { TaskRegistry } from '../../../lib/tasks/task-registry.js';

/**
 * `enqueue` in memory, with the real validation (`buildEnvelope` over a {@link TaskRegistry}, as
 * EnqueueService does: a bad task throws TaskValidationError) and the backends' deduplication (a known
 * idempotency key or id answers with the first task, `duplicate: true`). Set `unavailable` to make every
 * valid task fail as when no queue accepts it.
 */
export class FakeEnqueue {
  /** Tasks it holds, in arrival order; a duplicate is not stored again. */
  readonly stored: TaskEnvelope[] = [];
  unavailable = false;
  readonly #idsByKey = new Map<string, string>();

  constructor(
    readonly registry: TaskRegistry,
    readonly clock: () => number = Date.now,
  ) {}

  readonly enqueue = async (input: unknown): Promise<EnqueueReceipt> => {
    const envelope = buildEnvelope(this.registry, input, { now: this.clock() });
    if (this.unavailable) throw new EnqueueUnavailableError(1, [envelope.id], false);
    const key = envelope.idempotencyKey;
    const firstId = (key !== undefined ? this.#idsByKey.get(key) : undefined) ?? envelope.id;
    const first = this.stored.find((task) => task.id === firstId);
    if (first) return { id: first.id, state: stateOf(first), via: 'redis', duplicate: true };
    this.stored.push(envelope);
    if (key !== undefined) this.#idsByKey.set(key, envelope.id);
    return { id: envelope.id, state: stateOf(envelope), via: 'redis', duplicate: false };
  };

  /** The stored task enqueued under `idempotencyKey`. */
  byKey(idempotencyKey: string): TaskEnvelope | undefined {
    return this.stored.find((task) => task.idempotencyKey === idempotencyKey);
  }
}

function stateOf(task: TaskEnvelope): 'queued' | 'scheduled' {
  return task.runAt > task.createdAt ? 'scheduled' : 'queued';
}
