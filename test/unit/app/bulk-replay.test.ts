import { describe, expect, it } from 'vitest';
import { type BulkReplayRequest, bulkReplay } from '../../../lib/app/bulk-replay.js';
import { QueueUnavailableError } from '../../../lib/queue/errors.js';
import type { DeadLetter } from '../../../lib/queue/sqs/sqs-dead-letter-queue.js';
import type { TaskEnvelope } from '../../../lib/tasks/task-envelope.js';
import { makeEnvelope } from '../../support/envelopes.js';
import { FakeOpsStore } from '../fakes/fake-ops-store.js';

const NOW = Date.UTC(2030, 0, 1);

function world(deadInRedis: number, letters: DeadLetter[] = []) {
  const ops = new FakeOpsStore();
  for (let i = 0; i < deadInRedis; i += 1) {
    ops.dead.push({
      id: `r-${i}`,
      type: i % 2 ? 'mail' : 'http',
      lastError: `HTTP ${500 + (i % 3)}`,
      diedAt: NOW - 10_000 + i,
      attempt: 3,
    });
  }
  const enqueued: TaskEnvelope[] = [];
  const taken: string[] = [];
  let wakes = 0;
  const options = {
    ops,
    redis: {
      enqueue: async (tasks: readonly TaskEnvelope[]) => {
        if (ops.down) throw new QueueUnavailableError('down', 'redis');
        enqueued.push(...tasks);
        return {
          outcomes: tasks.map((task) => ({ id: task.id, state: 'scheduled' as const, duplicate: false })),
          wakeConsumer: false,
        };
      },
    },
    deadLetters: {
      listDeadLetters: async () => letters,
      takeDeadLetters: async (
        { ids }: { ids?: readonly string[] },
        use: (chosen: DeadLetter[]) => Promise<void>,
      ) => {
        const chosen = letters.filter((letter) => letter.envelope && ids?.includes(letter.envelope.id));
        await use(chosen);
        taken.push(...chosen.map((letter) => letter.envelope?.id ?? ''));
        return chosen;
      },
    },
    wakeConsumer: async () => {
      wakes += 1;
    },
    clock: () => NOW,
  };
  return { ops, options, enqueued, taken, wakes: () => wakes };
}

const letter = (id: string, reason = 'HTTP 503'): DeadLetter => ({
  messageId: `m-${id}`,
  taskId: id,
  envelope: makeEnvelope({ id, type: 'http', attempt: 5 }),
  body: '{}',
  reason,
  attempt: 5,
  failedAt: NOW - 60_000,
  redriven: false,
});

const request = (overrides: Partial<BulkReplayRequest> = {}): BulkReplayRequest => ({
  filter: {},
  limit: 10_000,
  perSecond: 10,
  dryRun: false,
  ...overrides,
});

describe('bulk replay', () => {
  it('a dry run counts by type and by last error and replays nothing', async () => {
    const { ops, options, enqueued, wakes } = world(6, [letter('s-1')]);
    const result = await bulkReplay(options, request({ dryRun: true }));
    expect(result).toMatchObject({
      dryRun: true,
      count: 7,
      byType: { http: 4, mail: 3 },
      foundIn: { redis: 6, sqs: 1 },
      replayed: [],
      redisReachable: true,
    });
    expect(result.byError[0]).toEqual({ error: 'HTTP 500', count: 2 });
    expect(ops.dead).toHaveLength(6);
    expect(ops.replays).toEqual([]);
    expect(enqueued).toEqual([]);
    expect(wakes()).toBe(0);
  });

  it('paces 10 000 tasks at the given rate: start times spread over 1 000 s, never more than 10 a second', async () => {
    const { ops, options, wakes } = world(10_000);
    const result = await bulkReplay(options, request({ perSecond: 10 }));
    expect(result.replayed).toHaveLength(10_000);
    const perSecond = new Map<number, number>();
    for (const { runAt } of ops.replays) {
      const second = Math.floor((runAt - NOW) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBe(10);
    expect(Math.min(...ops.replays.map((start) => start.runAt))).toBe(NOW);
    expect(result.lastStartAt).toBe(NOW + 999_900);
    expect(wakes()).toBe(1);
  });

  it('takes SQS dead letters back into Redis at their own start times, with a fresh set of attempts', async () => {
    const { options, enqueued, taken } = world(1, [letter('s-1'), letter('s-2', 'mailbox full')]);
    const result = await bulkReplay(
      options,
      request({ filter: { type: 'http', error: '503' }, perSecond: 1 }),
    );
    expect(result.replayed.sort()).toEqual(['s-1']);
    expect(enqueued).toEqual([expect.objectContaining({ id: 's-1', attempt: 0, enqueuedVia: 'redis' })]);
    expect(taken).toEqual(['s-1']);
  });

  it('with Redis down: a dry run counts the SQS side; a replay refuses (503) and takes nothing', async () => {
    const { ops, options, taken } = world(2, [letter('s-1')]);
    ops.down = true;
    expect(await bulkReplay(options, request({ dryRun: true }))).toMatchObject({
      count: 1,
      redisReachable: false,
    });
    await expect(bulkReplay(options, request())).rejects.toBeInstanceOf(QueueUnavailableError);
    expect(taken).toEqual([]);
    const empty = world(0);
    empty.ops.down = true;
    await expect(bulkReplay(empty.options, request())).rejects.toBeInstanceOf(QueueUnavailableError);
  });
});
