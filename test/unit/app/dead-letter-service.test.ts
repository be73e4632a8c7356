import { describe, expect, it } from 'vitest';
import { boundedWake } from '../../../lib/app/bounded-wake.js';
import { DeadLetterService } from '../../../lib/app/dead-letter-service.js';
import { QueueLogicError, QueueUnavailableError } from '../../../lib/queue/errors.js';
import type { TaskStatus } from '../../../lib/queue/task-queue.js';
import { createRecordingLogger } from '../fakes/recording-logger.js';

const deadStatus = (id: string): TaskStatus => ({
  id,
  type: 'noop',
  state: 'dead',
  via: 'redis',
  attempt: 3,
  maxAttempts: 3,
  createdAt: 1,
  updatedAt: 2,
  runAt: 1,
  lastError: 'boom',
});

function service(listDead: () => Promise<TaskStatus[]>, wake: () => Promise<void> = async () => {}) {
  return new DeadLetterService({
    redis: {
      listDead,
      replayDead: async (ids) => [...(ids ?? [])],
      enqueue: async () => ({ outcomes: [], wakeConsumer: false }),
    },
    deadLetters: { listDeadLetters: async () => [], takeDeadLetters: async () => [] },
    wakeConsumer: boundedWake(wake, { logger: createRecordingLogger(), timeoutMs: 20 }),
  });
}

describe('dead letters', () => {
  it('answers from SQS alone, flagged, only while Redis is unreachable', async () => {
    const down = service(async () => {
      throw new QueueUnavailableError('redis list-dead skipped: circuit breaker open', 'redis');
    });
    expect(await down.list(10)).toEqual({ tasks: [], redisReachable: false });
    const up = service(async () => [deadStatus('t1')]);
    expect((await up.list(10)).tasks.map((task) => task.id)).toEqual(['t1']);
  });

  it('does not report a bug as "Redis unreachable"', async () => {
    const buggy = service(async () => {
      throw new QueueLogicError('ERR bad script', 'redis');
    });
    await expect(buggy.list(10)).rejects.toBeInstanceOf(QueueLogicError);
  });

  it('answers a replay within the wake-up budget even when the wake-up hangs', async () => {
    const hanging = service(
      async () => [],
      () => new Promise<void>(() => {}),
    );
    const started = performance.now();
    expect(await hanging.replay(['t1'], 1)).toEqual(['t1']);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
