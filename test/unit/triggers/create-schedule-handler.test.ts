import { describe, expect, it } from 'vitest';
import { EnqueueUnavailableError } from '../../../lib/queue/errors.js';
import { createScheduleHandler } from '../../../lib/triggers/index.js';
import { fakeTriggerDeps } from '../fakes/fake-trigger-deps.js';
import { ManualClock } from '../fakes/manual-clock.js';

function setup() {
  const clock = new ManualClock(Date.parse('2030-01-01T10:00:42.123Z'));
  const world = fakeTriggerDeps({ clock: clock.now });
  return { ...world, clock, schedule: createScheduleHandler(world.deps) };
}

const input = (
  time: string | undefined,
  task: Record<string, unknown> = { type: 'record', payload: 'tick' },
) => ({
  schedule: 'hourly-report',
  ...(time !== undefined && { time }),
  task,
});

describe('schedule handler', () => {
  it('enqueues once per scheduled time, keyed schedule:<name>:<time>', async () => {
    const { schedule, enqueue } = setup();
    const first = await schedule(input('2030-01-01T10:00:00Z'));
    const again = await schedule(input('2030-01-01T10:00:00Z'));
    const next = await schedule(input('2030-01-01T11:00:00+00:00'));

    expect(first).toMatchObject({
      enqueued: true,
      schedule: 'hourly-report',
      scheduledAt: '2030-01-01T10:00:00.000Z',
      idempotencyKey: 'schedule:hourly-report:2030-01-01T10:00:00.000Z',
      receipt: { duplicate: false },
    });
    expect(again).toMatchObject({ enqueued: true, receipt: { duplicate: true } });
    expect(next).toMatchObject({ enqueued: true, receipt: { duplicate: false } });
    expect(enqueue.stored.map((task) => task.idempotencyKey)).toEqual([
      'schedule:hourly-report:2030-01-01T10:00:00.000Z',
      'schedule:hourly-report:2030-01-01T11:00:00.000Z',
    ]);
  });

  it("replaces the task's own idempotency key", async () => {
    const { schedule, enqueue } = setup();
    await schedule(input('2030-01-01T10:00:00Z', { type: 'record', idempotencyKey: 'mine' }));
    expect(enqueue.stored[0]?.idempotencyKey).toBe('schedule:hourly-report:2030-01-01T10:00:00.000Z');
  });

  it('without a time, the current minute makes the key, with a warning', async () => {
    const { schedule, logger } = setup();
    const result = await schedule(input(undefined));
    expect(result).toMatchObject({
      enqueued: true,
      idempotencyKey: 'schedule:hourly-report:2030-01-01T10:00:00.000Z',
    });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'schedule input has no time; using the current minute',
      }),
    );
  });

  it('reports bad input without throwing, logs and counts it, and stores nothing', async () => {
    const { schedule, enqueue, logger, metrics } = setup();
    const results = [
      await schedule(input('2030-01-01T10:00:00Z', { type: 'no-such-type' })),
      await schedule(input('2030-01-01T10:00:00Z', { type: 'send-email', payload: { to: 'x' } })),
      await schedule({ schedule: 'hourly-report', time: '2030-01-01T10:00:00Z' }),
      await schedule({ schedule: '../other', task: { type: 'record' } }),
      await schedule(input('2030-02-30T10:00:00Z')),
      await schedule(null),
      await schedule([input('2030-01-01T10:00:00Z')]),
    ];
    expect(results.map((result) => (result.enqueued ? 'enqueued' : result.error.code))).toEqual([
      'invalid_task',
      'invalid_task',
      'invalid_schedule_input',
      'invalid_schedule_input',
      'invalid_schedule_input',
      'invalid_schedule_input',
      'invalid_schedule_input',
    ]);
    expect(results[0]).toMatchObject({ schedule: 'hourly-report' });
    expect(logger.lines.filter((line) => line.level === 'error')).toHaveLength(7);
    expect(metrics.added.filter((metric) => metric.name === 'TriggerRejected')).toHaveLength(7);
    expect(enqueue.stored).toEqual([]);
  });

  it('throws when no queue accepts the task, and flushes metrics once per invocation', async () => {
    const { schedule, enqueue, metrics } = setup();
    enqueue.unavailable = true;
    await expect(schedule(input('2030-01-01T10:00:00Z'))).rejects.toBeInstanceOf(EnqueueUnavailableError);
    enqueue.unavailable = false;
    await schedule(input('2030-01-01T10:00:00Z'));
    expect(metrics.flushes()).toBe(2);
    expect(metrics.added).toEqual([
      expect.objectContaining({ name: 'TriggerEnqueued', dimensions: { trigger: 'schedule' } }),
    ]);
  });
});
