import type { RedisGuard } from '../../../lib/queue/guard/redis-guard.js';
import type { EnqueueResult, TaskSink } from '../../../lib/queue/task-queue.js';
import type { Backend, TaskEnvelope } from '../../../lib/tasks/task-envelope.js';

/** What the fake does with the next `enqueue` call. */
export type SinkBehaviour =
  | { kind: 'accept'; wakeConsumer: boolean }
  | { kind: 'throw'; error: unknown }
  | { kind: 'hang' };

export const accepts = (wakeConsumer = false): SinkBehaviour => ({ kind: 'accept', wakeConsumer });
export const throws = (error: unknown): SinkBehaviour => ({ kind: 'throw', error });
export const hangs = (): SinkBehaviour => ({ kind: 'hang' });

/**
 * An in-memory {@link TaskSink}: it stores what it accepts (deduplicating by id, as both real backends do),
 * or throws, or never answers. `behaviour` may be changed between calls to model an outage and a recovery.
 */
export class FakeTaskSink implements TaskSink {
  /** Every batch it was asked to store, as received (copies, so later mutation by the caller shows up as a difference). */
  readonly calls: TaskEnvelope[][] = [];
  /** Tasks it holds, in arrival order. */
  readonly stored: TaskEnvelope[] = [];

  constructor(
    readonly backend: Backend,
    public behaviour: SinkBehaviour = accepts(),
  ) {}

  enqueue(tasks: readonly TaskEnvelope[]): Promise<EnqueueResult> {
    this.calls.push(tasks.map((task) => structuredClone(task)));
    const behaviour = this.behaviour;
    if (behaviour.kind === 'hang') return new Promise<never>(() => {});
    if (behaviour.kind === 'throw') return Promise.reject(behaviour.error);
    const outcomes = tasks.map((task) => {
      const duplicate = this.stored.some((held) => held.id === task.id);
      if (!duplicate) this.stored.push(structuredClone(task));
      const state = task.runAt > task.createdAt ? ('scheduled' as const) : ('queued' as const);
      return { id: task.id, state, duplicate };
    });
    return Promise.resolve({ outcomes, wakeConsumer: behaviour.wakeConsumer });
  }
}

/** A sink behind the Redis guard, as `GuardedTaskQueue.enqueue` puts the Redis adapter behind it. */
export function behindGuard(sink: TaskSink, guard: RedisGuard): TaskSink {
  return { backend: sink.backend, enqueue: (tasks) => guard.call('enqueue', () => sink.enqueue(tasks)) };
}
