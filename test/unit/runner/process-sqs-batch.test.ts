import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { QueueLogicError, QueueUnavailableError } from '../../../lib/queue/errors.js';
import type { JournalEntry, RunClaim } from '../../../lib/queue/task-queue.js';
import { ContainerLimits } from '../../../lib/runner/container-limits.js';
import { processSqsBatch } from '../../../lib/runner/process-sqs-batch.js';
import { defineTask } from '../../../lib/tasks/define-task.js';
import type { TaskEnvelope } from '../../../lib/tasks/task-envelope.js';
import { TaskRegistry } from '../../../lib/tasks/task-registry.js';
import { makeEnvelope } from '../../support/envelopes.js';
import { createRecordingLogger } from '../fakes/recording-logger.js';

/** The SQS consumer over in-memory ports: what it dead-letters, journals, claims and runs. */
function setup(claimRun: (task: TaskEnvelope) => Promise<RunClaim>) {
  const ran: string[] = [];
  const hidden: { receiptHandle: string; seconds: number }[] = [];
  const resent: TaskEnvelope[] = [];
  const rawDeadLetters: { body: string; reason: string }[] = [];
  const journal: JournalEntry[] = [];
  const claims: string[] = [];
  const registry = new TaskRegistry([
    defineTask({
      type: 'noop',
      schema: z.unknown(),
      handler: async (_payload, { taskId }) => {
        ran.push(taskId);
      },
    }),
    defineTask({
      type: 'slow',
      schema: z.unknown(),
      concurrency: { limit: 1 },
      handler: async (_payload, { taskId }) => {
        ran.push(taskId);
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    }),
  ]);
  const run = (records: unknown[]) =>
    processSqsBatch(records, {
      registry,
      logger: createRecordingLogger(),
      delivery: {
        changeVisibility: async (receiptHandle, seconds) => void hidden.push({ receiptHandle, seconds }),
        defer: async (envelope) => {
          resent.push(envelope);
          return 'resent';
        },
        deadLetter: async () => {},
        deadLetterRaw: async (body, reason) => {
          rawDeadLetters.push({ body, reason });
        },
      },
      journal: { record: async (entry) => void journal.push(entry) },
      redis: {
        claimRun: async (task) => {
          claims.push(task.id);
          return claimRun(task);
        },
        complete: async (_token, successes) => ({
          outcomes: successes.map(({ id }) => ({ id, state: 'succeeded' as const })),
        }),
        fail: async (_token, failures) => ({
          outcomes: failures.map(({ id }) => ({ id, state: 'failed' as const })),
        }),
      },
      leaseMs: 30_000,
      concurrency: 4,
      containerLimits: new ContainerLimits(),
      remainingTimeMs: () => 60_000,
    });
  return { run, ran, rawDeadLetters, journal, claims, hidden, resent };
}

const sqsRecord = (task: TaskEnvelope, overrides: Record<string, unknown> = {}) => ({
  messageId: `m-${task.id}`,
  receiptHandle: `rh-${task.id}`,
  body: JSON.stringify(task),
  attributes: { ApproximateReceiveCount: '1' },
  eventSource: 'aws:sqs',
  ...overrides,
});

describe('the SQS consumer at its boundary', () => {
  it('dead-letters a record without a string body or attributes, never claiming it, and runs its siblings', async () => {
    const { run, ran, rawDeadLetters, claims } = setup(async () => ({
      decision: 'run',
      token: 't',
      attempt: 1,
    }));
    const good = makeEnvelope();
    const noBody = makeEnvelope();
    const noAttributes = makeEnvelope();
    const result = await run([
      sqsRecord(noBody, { body: undefined }),
      sqsRecord(good),
      sqsRecord(noAttributes, { attributes: undefined }),
    ]);
    expect(result.outcomes).toMatchObject({ invalid: 2, succeeded: 1 });
    expect(result.batchItemFailures).toEqual([]);
    expect(ran).toEqual([good.id]);
    expect(claims).toEqual([good.id]);
    expect(rawDeadLetters.map((letter) => letter.reason)).toEqual([
      expect.stringMatching(/body/),
      expect.stringMatching(/attributes/),
    ]);
  });

  it('runs unverified (and journals) only when Redis is unreachable, not when Redis proves a bug', async () => {
    const unreachable = setup(async () => {
      throw new QueueUnavailableError('redis claim-run: fetch failed', 'redis');
    });
    const task = makeEnvelope();
    const down = await unreachable.run([sqsRecord(task)]);
    expect(down.unverifiedRuns).toBe(1);
    expect(unreachable.ran).toEqual([task.id]);
    expect(unreachable.journal.map((entry) => entry.state)).toEqual(['succeeded']);

    const buggy = setup(async () => {
      throw new QueueLogicError('ERR user_script: attempt to compare nil', 'redis');
    });
    const other = makeEnvelope();
    const bug = await buggy.run([sqsRecord(other)]);
    expect(bug.outcomes.error).toBe(1);
    expect(bug.unverifiedRuns).toBe(0);
    expect(bug.batchItemFailures).toEqual([{ itemIdentifier: `m-${other.id}` }]);
    expect(buggy.ran).toEqual([]);
  });
});

describe('the SQS consumer over a limit', () => {
  const limited = (overrides: Partial<TaskEnvelope> = {}) =>
    makeEnvelope({ type: 'slow', limits: { concurrency: { key: '', limit: 1 } }, ...overrides });

  it('hides a record Redis throttles until its window opens, spending no attempt and running nothing', async () => {
    const { run, ran, hidden } = setup(async () => ({ decision: 'throttled', opensAt: Date.now() + 3_000 }));
    const task = limited();
    const result = await run([sqsRecord(task)]);
    expect(result.outcomes.throttled).toBe(1);
    expect(result.throttled).toBe(1);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: `m-${task.id}` }]);
    expect(ran).toEqual([]);
    expect(hidden).toEqual([{ receiptHandle: `rh-${task.id}`, seconds: 3 }]);
  });

  it('re-sends a record that keeps coming back over its limit, so receives never reach the redrive', async () => {
    const { run, resent, hidden } = setup(async () => ({ decision: 'throttled' }));
    const task = limited();
    const before = Date.now();
    const result = await run([sqsRecord(task, { attributes: { ApproximateReceiveCount: '5' } })]);
    expect(result.outcomes.hopped).toBe(1);
    expect(result.batchItemFailures).toEqual([]);
    expect(hidden).toEqual([]);
    expect(resent).toHaveLength(1);
    expect(resent[0]?.attempt).toBe(task.attempt);
    expect(resent[0]?.runAt).toBeGreaterThanOrEqual(before + 1_000);
  });

  it('keeps the limit in this container while Redis is unreachable, and counts those runs', async () => {
    const { run, ran, hidden } = setup(async () => {
      throw new QueueUnavailableError('redis claim-run: fetch failed', 'redis');
    });
    const tasks = [limited(), limited(), limited()];
    const result = await run(tasks.map((task) => sqsRecord(task)));
    expect(ran).toHaveLength(1);
    expect(result.limitsUnenforced).toBe(1);
    expect(result.outcomes.throttled).toBe(2);
    expect(hidden).toHaveLength(2);
  });
});
