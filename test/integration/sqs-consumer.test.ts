import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTask } from '../../lib/tasks/define-task.js';
import { UnrecoverableTaskError } from '../../lib/tasks/errors.js';
import { makeEnvelope } from '../support/envelopes.js';
import { plentyOfTime, receiveRecords } from '../support/sqs-records.js';
import { type HarnessRuntime, startTandemHarness, type TandemHarness } from '../support/tandem-harness.js';

let harness: TandemHarness;
/** Every execution, in order: the witness for "ran once". */
let runs: { id: string; attempt: number; via: string }[] = [];

const tasks = [
  defineTask({
    type: 'record',
    schema: z.object({ n: z.number() }),
    handler: async ({ n }, { taskId, attempt, via }) => {
      runs.push({ id: taskId, attempt, via });
      return { n };
    },
  }),
  defineTask({
    type: 'always-fails',
    schema: z.unknown(),
    retry: { baseDelayMs: 1000, maxDelayMs: 1000 },
    handler: async (_payload, { taskId, attempt, via }) => {
      runs.push({ id: taskId, attempt, via });
      throw new Error('downstream said no');
    },
  }),
  defineTask({
    type: 'unrecoverable',
    schema: z.unknown(),
    handler: async () => {
      throw new UnrecoverableTaskError('bad customer id');
    },
  }),
];

beforeAll(async () => {
  harness = await startTandemHarness();
});
afterAll(async () => {
  await harness?.stop();
});

const newRuntime = () =>
  harness.runtime({ tasks, env: { REDIS_TIMEOUT_MS: '200', BREAKER_COOLDOWN_MS: '200' } }).then((runtime) => {
    runs = [];
    return runtime;
  });

/** Delivers what the task queue holds to the consume path, as Lambda's event source would. */
async function deliver(runtime: HarnessRuntime) {
  const records = await receiveRecords(runtime.adapters.sqs.tasks);
  return { records, result: await runtime.consumeSqs(records, plentyOfTime) };
}

describe('SQS consumer', () => {
  it('a task that landed in both queues during a flap runs once', async () => {
    const runtime = await newRuntime();
    const task = makeEnvelope({ type: 'record', payload: { n: 1 } });
    await runtime.adapters.redis.enqueue([task]);
    await runtime.adapters.sqs.tasks.enqueue([{ ...task, enqueuedVia: 'sqs' }]);

    const { result } = await deliver(runtime);
    expect(result.outcomes.succeeded).toBe(1);
    expect(result.batchItemFailures).toEqual([]);
    await runtime.drain(plentyOfTime);
    expect(runs).toEqual([{ id: task.id, attempt: 1, via: 'sqs' }]);
    expect(await runtime.status(task.id)).toMatchObject({ state: 'succeeded', via: 'sqs', result: { n: 1 } });
  });

  it('the copy Redis already ran is suppressed as a duplicate when SQS delivers it', async () => {
    const runtime = await newRuntime();
    const task = makeEnvelope({ type: 'record', payload: { n: 2 } });
    await runtime.adapters.redis.enqueue([task]);
    await runtime.drain(plentyOfTime);
    await runtime.adapters.sqs.tasks.enqueue([{ ...task, enqueuedVia: 'sqs' }]);
    const { result } = await deliver(runtime);
    expect(result.outcomes.duplicate).toBe(1);
    expect(runs.map((run) => run.id)).toEqual([task.id]);
    expect(await runtime.adapters.sqs.tasks.receive(10, 1)).toEqual([]);
  });

  it('the same idempotency key across both paths runs once', async () => {
    const runtime = await newRuntime();
    const first = await runtime.enqueue({
      type: 'record',
      payload: { n: 3 },
      idempotencyKey: 'order-7',
    });
    const viaSqs = makeEnvelope({ type: 'record', payload: { n: 3 }, idempotencyKey: 'order-7' });
    await runtime.adapters.sqs.tasks.enqueue([{ ...viaSqs, enqueuedVia: 'sqs' }]);
    await deliver(runtime);
    await runtime.drain(plentyOfTime);
    expect(runs.map((run) => run.id)).toEqual([first.id]);
  });

  it('Redis down at run time: the task runs, its outcome is journaled and written back by the reconciler', async () => {
    const runtime = await newRuntime();
    const task = makeEnvelope({ type: 'record', payload: { n: 4 } });
    await runtime.adapters.sqs.tasks.enqueue([{ ...task, enqueuedVia: 'sqs' }]);
    harness.stack.server.pause();
    let result: Awaited<ReturnType<typeof deliver>>['result'];
    try {
      ({ result } = await deliver(runtime));
    } finally {
      harness.stack.server.resume();
    }
    expect(result.outcomes.succeeded).toBe(1);
    expect(result.unverifiedRuns).toBe(1);
    expect(runs).toEqual([{ id: task.id, attempt: 1, via: 'sqs' }]);

    await new Promise((resolve) => setTimeout(resolve, 250)); // the breaker's cooldown
    const report = await runtime.reconcile();
    expect(report.journalApplied).toBe(1);
    expect(await runtime.status(task.id)).toMatchObject({ state: 'succeeded', via: 'sqs', result: { n: 4 } });
  });

  it('a failure is retried after a visibility backoff, and dead-lettered with its reason at maxAttempts', async () => {
    const runtime = await newRuntime();
    const task = makeEnvelope({ type: 'always-fails', payload: null, maxAttempts: 2 });
    await runtime.adapters.sqs.tasks.enqueue([{ ...task, enqueuedVia: 'sqs' }]);

    const first = await deliver(runtime);
    expect(first.result.outcomes.retry).toBe(1);
    expect(first.result.batchItemFailures).toEqual([{ itemIdentifier: first.records[0]?.messageId }]);
    expect(await runtime.status(task.id)).toMatchObject({ state: 'failed', attempt: 1 });
    // Hidden for the backoff (1 s), then delivered again.
    expect(await runtime.adapters.sqs.tasks.receive(10, 0)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const second = await deliver(runtime);
    expect(second.result.outcomes.dead).toBe(1);
    expect(second.result.batchItemFailures).toEqual([]);
    expect(runs.map((run) => run.attempt)).toEqual([1, 2]);
    expect(await runtime.status(task.id)).toMatchObject({
      state: 'dead',
      lastError: expect.stringMatching(/no/),
    });

    const letters = await runtime.adapters.sqs.deadLetters.listDeadLetters(10);
    expect(letters).toEqual([
      expect.objectContaining({
        taskId: task.id,
        attempt: 2,
        reason: expect.stringMatching(/downstream said no/),
      }),
    ]);
    const dead = await runtime.deadLetters.list(10);
    expect(dead.tasks).toEqual([expect.objectContaining({ id: task.id, foundIn: ['redis', 'sqs'] })]);
  });

  it('an unrecoverable failure is dead at once, and replay runs it again through Redis', async () => {
    const runtime = await newRuntime();
    const task = makeEnvelope({ type: 'unrecoverable', payload: null, maxAttempts: 5 });
    await runtime.adapters.sqs.tasks.enqueue([{ ...task, enqueuedVia: 'sqs' }]);
    expect((await deliver(runtime)).result.outcomes.dead).toBe(1);

    expect(await runtime.deadLetters.replay([task.id])).toEqual([task.id]);
    expect(await runtime.adapters.sqs.deadLetters.listDeadLetters(10)).toEqual([]);
    expect(await runtime.status(task.id)).toMatchObject({ state: 'queued', attempt: 0 });
    const summary = await runtime.drain(plentyOfTime);
    expect(summary.dead).toBe(1);
  });

  it('a record that is not a task goes to the dead-letter queue with its reason, and is not retried', async () => {
    const runtime = await newRuntime();
    await harness.sqs.client.send(
      new SendMessageCommand({
        QueueUrl: runtime.queueUrls.taskQueueUrl,
        MessageBody: '{"__proto__": {"polluted": true}, "id": 5}',
      }),
    );
    const { result } = await deliver(runtime);
    expect(result.outcomes.invalid).toBe(1);
    expect(result.batchItemFailures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const letters = await runtime.adapters.sqs.deadLetters.listDeadLetters(10);
    expect(letters).toEqual([
      expect.objectContaining({ envelope: null, reason: expect.stringMatching(/not a task/) }),
    ]);
  });

  it('a task due after the SQS delay limit hops: re-sent with the remaining delay, not run early', async () => {
    const runtime = await newRuntime();
    const task = makeEnvelope({ type: 'record', payload: { n: 5 }, runAt: Date.now() + 3_600_000 });
    // Sent without its delay, as if the previous hop's 15 minutes had just run out.
    await runtime.adapters.sqs.tasks.enqueue([{ ...task, runAt: Date.now(), enqueuedVia: 'sqs' }]);
    const records = await receiveRecords(runtime.adapters.sqs.tasks);
    const early = records.map((record) => ({
      ...record,
      body: JSON.stringify({ ...task, enqueuedVia: 'sqs' }),
    }));
    const result = await runtime.consumeSqs(early, plentyOfTime);
    expect(result.outcomes.hopped).toBe(1);
    expect(runs).toEqual([]);
    const { messages } = await harness.sqs.inspect(runtime.queueUrls.taskQueueUrl);
    expect(messages.delayed).toHaveLength(1);
    expect(messages.delayed[0]?.delayUntil ?? 0).toBeGreaterThan(Date.now() + 800_000);
  });
});
