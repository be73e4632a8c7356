import type { DeadTask } from '../app/dead-letter-service.js';
import type { EnqueueReceipt } from '../queue/failover/failover-producer.js';
import type { TaskStatus } from '../queue/task-queue.js';

// Times go out as ISO 8601 strings, the form `POST /tasks` takes `runAt` in; inside, they are epoch ms.
const iso = (epochMs: number) => new Date(epochMs).toISOString();

/** The 202 body of `POST /tasks`, and one item of a batch's results. */
export function receiptBody({ id, state, via, duplicate }: EnqueueReceipt) {
  return { id, state, via, duplicate };
}

/** The 200 body of `GET /tasks/{id}`. */
export function taskStatusBody(status: TaskStatus) {
  return {
    id: status.id,
    type: status.type,
    state: status.state,
    via: status.via,
    attempt: status.attempt,
    maxAttempts: status.maxAttempts,
    createdAt: iso(status.createdAt),
    updatedAt: iso(status.updatedAt),
    runAt: iso(status.runAt),
    ...(status.lastError !== undefined && { lastError: status.lastError }),
    ...(status.result !== undefined && { result: status.result }),
    ...(status.payload !== undefined && { payload: status.payload }),
    ...(status.idempotencyKey !== undefined && { idempotencyKey: status.idempotencyKey }),
    ...(status.priority !== undefined && { priority: status.priority }),
  };
}

/** One entry of `GET /dead`. */
export function deadTaskBody(task: DeadTask) {
  return { ...task, diedAt: iso(task.diedAt) };
}
