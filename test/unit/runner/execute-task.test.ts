import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { executeTask, retryDelayMs } from '../../../lib/runner/execute-task.js';
import { defineTask, type TaskContext } from '../../../lib/tasks/define-task.js';
import { TaskTimeoutError, UnrecoverableTaskError } from '../../../lib/tasks/errors.js';
import { TaskRegistry } from '../../../lib/tasks/task-registry.js';
import { makeEnvelope } from '../../support/envelopes.js';
import { createRecordingLogger } from '../fakes/recording-logger.js';

const seen: { payload: unknown; context: TaskContext }[] = [];
// What the stalling handler was given, read back after it was cut off.
const stalledSignals: AbortSignal[] = [];

const registry = new TaskRegistry([
  defineTask({
    type: 'sum',
    // A transform, so the test can tell the parsed payload from the stored one.
    schema: z.object({ numbers: z.array(z.number()) }).transform(({ numbers }) => numbers),
    handler: async (numbers, context) => {
      seen.push({ payload: numbers, context });
      return { total: numbers.reduce((a, b) => a + b, 0) };
    },
    retry: { baseDelayMs: 1000, maxDelayMs: 60_000 },
  }),
  defineTask({
    type: 'flaky',
    schema: z.null(),
    handler: async () => {
      throw new Error('smtp connection reset');
    },
    retry: { baseDelayMs: 120_000, maxDelayMs: 3_600_000 },
  }),
  defineTask({
    type: 'fatal',
    schema: z.null(),
    handler: async () => {
      throw new UnrecoverableTaskError('customer deleted');
    },
  }),
  defineTask({
    type: 'sync-throw',
    schema: z.null(),
    handler: () => {
      throw new TypeError('handler is not async');
    },
  }),
  defineTask({
    type: 'throws-string',
    schema: z.null(),
    handler: async () => {
      throw 'plain string';
    },
  }),
  defineTask({
    type: 'stall',
    schema: z.null(),
    handler: (_payload, { signal }) => {
      stalledSignals.push(signal);
      return new Promise(() => {});
    },
  }),
]);

const options = { via: 'redis' as const, logger: createRecordingLogger(), timeoutMs: 5_000 };

describe('executeTask', () => {
  it('runs the handler with the parsed payload and its context, and returns its result', async () => {
    const envelope = makeEnvelope({
      type: 'sum',
      payload: { numbers: [1, 2, 39] },
      attempt: 2,
      traceId: 'tr-1',
    });
    const run = await executeTask(registry, envelope, { ...options, via: 'sqs' });
    expect(run).toMatchObject({ ok: true, result: { total: 42 } });
    const last = seen.at(-1);
    expect(last?.payload).toEqual([1, 2, 39]);
    expect(last?.context).toMatchObject({
      taskId: envelope.id,
      attempt: 2,
      maxAttempts: envelope.maxAttempts,
      traceId: 'tr-1',
      via: 'sqs',
    });
    expect(last?.context.signal.aborted).toBe(false);
  });

  it('reports a thrown Error as a retryable failure with its name and message', async () => {
    const run = await executeTask(registry, makeEnvelope({ type: 'flaky', payload: null }), options);
    expect(run).toMatchObject({ ok: false, unrecoverable: false, error: 'Error: smtp connection reset' });
  });

  it('reports UnrecoverableTaskError as unrecoverable', async () => {
    const run = await executeTask(registry, makeEnvelope({ type: 'fatal', payload: null }), options);
    expect(run).toMatchObject({ ok: false, unrecoverable: true });
    expect(run.ok === false && run.error).toContain('customer deleted');
  });

  it('catches a handler that throws before returning a promise', async () => {
    const run = await executeTask(registry, makeEnvelope({ type: 'sync-throw', payload: null }), options);
    expect(run).toMatchObject({ ok: false, unrecoverable: false, error: 'TypeError: handler is not async' });
  });

  it('reports a thrown non-Error as text', async () => {
    const run = await executeTask(registry, makeEnvelope({ type: 'throws-string', payload: null }), options);
    expect(run).toMatchObject({ ok: false, unrecoverable: false, error: 'plain string' });
  });

  it('stops waiting for a handler at its deadline and aborts its signal', async () => {
    const before = stalledSignals.length;
    const envelope = makeEnvelope({ type: 'stall', payload: null });
    const run = await executeTask(registry, envelope, { ...options, timeoutMs: 30 });
    expect(run).toMatchObject({ ok: false, unrecoverable: false });
    expect(run.ok === false && run.error).toBe(
      `TaskTimeoutError: task ${envelope.id} did not finish within 30 ms`,
    );
    expect(stalledSignals).toHaveLength(before + 1);
    expect(stalledSignals.at(-1)?.aborted).toBe(true);
    expect(stalledSignals.at(-1)?.reason).toBeInstanceOf(TaskTimeoutError);
  });

  it('fails an unknown type as unrecoverable', async () => {
    const run = await executeTask(registry, makeEnvelope({ type: 'retired-type' }), options);
    expect(run).toMatchObject({ ok: false, unrecoverable: true });
    expect(run.ok === false && run.error).toContain('retired-type');
  });

  it('fails a payload that no longer matches its schema as unrecoverable, without running the handler', async () => {
    const before = seen.length;
    const run = await executeTask(
      registry,
      makeEnvelope({ type: 'sum', payload: { numbers: 'many' } }),
      options,
    );
    expect(run).toMatchObject({ ok: false, unrecoverable: true });
    expect(seen).toHaveLength(before);
  });
});

describe('retryDelayMs', () => {
  const now = Date.UTC(2030, 0, 1);

  it("uses the task type's own policy", () => {
    // attempt 1 → between half and all of baseDelayMs; the two policies' ranges do not overlap.
    for (let i = 0; i < 20; i++) {
      const sum = now + retryDelayMs(registry, makeEnvelope({ type: 'sum', attempt: 1 })) - now;
      expect(sum).toBeGreaterThanOrEqual(500);
      expect(sum).toBeLessThanOrEqual(1000);
      const flaky = now + retryDelayMs(registry, makeEnvelope({ type: 'flaky', attempt: 1 })) - now;
      expect(flaky).toBeGreaterThanOrEqual(60_000);
      expect(flaky).toBeLessThanOrEqual(120_000);
    }
  });

  it('backs off further with each attempt', () => {
    const delay = now + retryDelayMs(registry, makeEnvelope({ type: 'sum', attempt: 4 })) - now;
    expect(delay).toBeGreaterThanOrEqual(4000);
    expect(delay).toBeLessThanOrEqual(8000);
  });

  it('retries an unknown type now rather than never', () => {
    expect(now + retryDelayMs(registry, makeEnvelope({ type: 'retired-type', attempt: 3 }))).toBe(now);
  });
});
