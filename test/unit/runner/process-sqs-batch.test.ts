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
  ]);
  const run = (records: unknown[]) =>
    processSqsBatch(records, {
      registry,
      logger: createRecordingLogger(),
      delivery: {
        changeVisibility: async () => {},
        defer: async () => 'resent',
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
  return { run, ran, rawDeadLetters, journal, claims };
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
