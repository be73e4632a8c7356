import { describe, expect, it } from 'vitest';
import { failureOf, journalEntryOf, settleRun } from '../../../lib/runner/settle-policy.js';
import { makeEnvelope } from '../../support/envelopes.js';
import { emailRegistry } from '../fakes/email-task.js';

const registry = emailRegistry();
const NOW = 1_800_000_000_000;
const failed = (unrecoverable = false) => ({
  ok: false as const,
  error: 'boom',
  unrecoverable,
  durationMs: 3,
});

describe('the settle policy', () => {
  it('a success is final and keeps its result', () => {
    const task = makeEnvelope({ type: 'send-email', attempt: 1 });
    expect(settleRun(registry, task, { ok: true, result: { sent: 1 }, durationMs: 1 }, NOW)).toEqual({
      state: 'succeeded',
      result: { sent: 1 },
    });
  });

  it('a failure with attempts left retries after the type’s backoff', () => {
    const task = makeEnvelope({ type: 'send-email', attempt: 1, maxAttempts: 4 });
    const settlement = settleRun(registry, task, failed(), NOW);
    expect(settlement.state).toBe('failed');
    if (settlement.state !== 'failed') return;
    // send-email backs off from 500 ms, with jitter: never sooner than now, never instantly.
    expect(settlement.delayMs).toBeGreaterThan(0);
    expect(settlement.delayMs).toBeLessThanOrEqual(1_000);
    expect(settlement.retryAt).toBe(NOW + settlement.delayMs);
  });

  it('the last attempt, or an unrecoverable failure, is dead', () => {
    const last = makeEnvelope({ type: 'send-email', attempt: 4, maxAttempts: 4 });
    expect(settleRun(registry, last, failed(), NOW)).toEqual({ state: 'dead', error: 'boom' });
    const early = makeEnvelope({ type: 'send-email', attempt: 1, maxAttempts: 4 });
    expect(settleRun(registry, early, failed(true), NOW)).toEqual({ state: 'dead', error: 'boom' });
  });

  it('tells Redis the decision, and journals final outcomes with what they carry', () => {
    expect(failureOf('t1', { state: 'dead', error: 'x' })).toEqual({
      id: 't1',
      error: 'x',
      dead: true,
      retryAt: 0,
    });
    expect(failureOf('t1', { state: 'failed', error: 'x', retryAt: 9, delayMs: 1 })).toEqual({
      id: 't1',
      error: 'x',
      dead: false,
      retryAt: 9,
    });
    const task = makeEnvelope({ attempt: 2 });
    expect(journalEntryOf(task, { state: 'succeeded', result: 7 }, 'sqs', NOW)).toEqual({
      envelope: task,
      via: 'sqs',
      state: 'succeeded',
      attempt: 2,
      finishedAt: NOW,
      result: 7,
    });
  });
});
