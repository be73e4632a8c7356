import { monotonicFactory } from 'ulid';
import type { TaskEnvelope } from '../../lib/tasks/task-envelope.js';

const nextId = monotonicFactory();

/** A valid envelope with sensible defaults; tests override what they care about. */
export function makeEnvelope(overrides: Partial<TaskEnvelope> = {}): TaskEnvelope {
  const now = Date.now();
  const id = overrides.id ?? nextId();
  return {
    id,
    type: 'noop',
    payload: { n: 1 },
    priority: 0,
    runAt: now,
    attempt: 0,
    maxAttempts: 3,
    timeoutMs: 5_000,
    traceId: id,
    createdAt: now,
    enqueuedVia: 'redis',
    ...overrides,
  };
}
