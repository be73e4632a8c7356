import { describe, expect, it } from 'vitest';
import { boundedWake } from '../../../lib/app/bounded-wake.js';
import { EnqueueService, MAX_BATCH_SIZE } from '../../../lib/app/enqueue-service.js';
import { EnqueueUnavailableError, QueueUnavailableError } from '../../../lib/queue/errors.js';
import { FailoverProducer } from '../../../lib/queue/failover/failover-producer.js';
import { RedisGuard } from '../../../lib/queue/guard/redis-guard.js';
import { TaskValidationError, UnknownTaskTypeError } from '../../../lib/tasks/errors.js';
import { emailRegistry, validEmail } from '../fakes/email-task.js';
import { accepts, behindGuard, FakeTaskSink, throws } from '../fakes/fake-task-sink.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { createRecordingLogger } from '../fakes/recording-logger.js';

function setup({ wake }: { wake?: () => Promise<void> } = {}) {
  const clock = new ManualClock();
  const primary = new FakeTaskSink('redis', accepts(true));
  const fallback = new FakeTaskSink('sqs');
  const guard = new RedisGuard({ failureThreshold: 3, cooldownMs: 2000, clock: clock.now, timeoutMs: 20 });
  const producer = new FailoverProducer({
    primary: behindGuard(primary, guard),
    fallback,
    fallbackTimeoutMs: 50,
  });
  const logger = createRecordingLogger();
  let wakeUps = 0;
  const service = new EnqueueService({
    registry: emailRegistry(),
    producer,
    // As the app wires it: the wake-up behind its own budget.
    wakeConsumer: boundedWake(
      wake ??
        (async () => {
          wakeUps += 1;
        }),
      { logger, timeoutMs: 50 },
    ),
    clock: clock.now,
  });
  return { service, primary, fallback, logger, clock, wakeUps: () => wakeUps };
}

const email = (subject = 'Welcome') => ({ type: 'send-email', payload: { ...validEmail, subject } });

describe('EnqueueService.enqueue', () => {
  it('stores a valid task and returns its receipt', async () => {
    const { service, primary, clock } = setup();
    const receipt = await service.enqueue(email(), 'trace-1');
    expect(receipt).toEqual({ id: expect.any(String), state: 'queued', via: 'redis', duplicate: false });
    expect(primary.stored).toHaveLength(1);
    expect(primary.stored[0]).toMatchObject({
      id: receipt.id,
      type: 'send-email',
      payload: validEmail,
      traceId: 'trace-1',
      createdAt: clock.now(),
    });
  });

  it('throws TaskValidationError for a bad payload and stores nothing', async () => {
    const { service, primary, fallback, wakeUps } = setup();
    await expect(service.enqueue({ type: 'send-email', payload: { to: 'nobody' } })).rejects.toBeInstanceOf(
      TaskValidationError,
    );
    await expect(service.enqueue({ type: 'send-fax', payload: {} })).rejects.toBeInstanceOf(
      UnknownTaskTypeError,
    );
    expect(primary.calls).toHaveLength(0);
    expect(fallback.calls).toHaveLength(0);
    expect(wakeUps()).toBe(0);
  });

  it('stores via SQS when Redis is down, and wakes nobody (SQS has its own trigger)', async () => {
    const { service, primary, fallback, wakeUps } = setup();
    primary.behaviour = throws(new QueueUnavailableError('down', 'redis'));
    const receipt = await service.enqueue(email());
    expect(receipt.via).toBe('sqs');
    expect(fallback.stored.map((task) => task.id)).toEqual([receipt.id]);
    expect(wakeUps()).toBe(0);
  });

  it('rejects with EnqueueUnavailableError when neither backend stores it', async () => {
    const { service, primary, fallback } = setup();
    primary.behaviour = throws(new QueueUnavailableError('down', 'redis'));
    fallback.behaviour = throws(new QueueUnavailableError('down', 'sqs'));
    await expect(service.enqueue(email())).rejects.toBeInstanceOf(EnqueueUnavailableError);
  });
});

describe('EnqueueService wake-ups', () => {
  it('wakes a consumer when the queue asks for one, and only then', async () => {
    const { service, primary, wakeUps } = setup();
    await service.enqueue(email());
    expect(wakeUps()).toBe(1);
    primary.behaviour = accepts(false);
    await service.enqueue(email());
    expect(wakeUps()).toBe(1);
  });

  it('wakes once per batch, not once per task', async () => {
    const { service, wakeUps } = setup();
    await service.enqueueBatch([email('a'), email('b'), email('c')]);
    expect(wakeUps()).toBe(1);
  });

  it('still acknowledges a stored task when the wake-up fails, and logs it', async () => {
    const { service, primary, logger } = setup({
      wake: async () => {
        throw new Error('lambda invoke throttled');
      },
    });
    const receipt = await service.enqueue(email());
    expect(receipt.via).toBe('redis');
    expect(primary.stored.map((task) => task.id)).toEqual([receipt.id]);
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
  });
});

describe('EnqueueService.enqueueBatch', () => {
  it('stores the valid tasks in one call and reports the invalid ones in place', async () => {
    const { service, primary } = setup();
    const results = await service.enqueueBatch([
      email('first'),
      { type: 'send-email', payload: { to: 'nobody', subject: 'x' } },
      { type: 'send-fax', payload: {} },
      email('last'),
    ]);
    expect(primary.calls).toHaveLength(1);
    expect(primary.calls[0]?.map((task) => (task.payload as { subject: string }).subject)).toEqual([
      'first',
      'last',
    ]);
    expect(results).toHaveLength(4);
    expect(results[0]).toEqual({
      id: primary.stored[0]?.id,
      state: 'queued',
      via: 'redis',
      duplicate: false,
    });
    expect(results[3]).toEqual({
      id: primary.stored[1]?.id,
      state: 'queued',
      via: 'redis',
      duplicate: false,
    });
    expect(results[1]).toEqual({
      error: {
        code: 'invalid_task',
        message: expect.stringContaining('send-email'),
        issues: [expect.objectContaining({ path: ['payload', 'to'] })],
      },
    });
    expect(results[2]).toEqual({
      error: {
        code: 'invalid_task',
        message: expect.stringContaining('send-fax'),
        issues: [expect.objectContaining({ path: ['type'] })],
      },
    });
  });

  it('stores nothing and wakes nobody when every task is invalid', async () => {
    const { service, primary, fallback, wakeUps } = setup();
    const results = await service.enqueueBatch([{ type: 'send-fax' }, { nonsense: true }]);
    expect(results.every((result) => 'error' in result)).toBe(true);
    expect(primary.calls).toHaveLength(0);
    expect(fallback.calls).toHaveLength(0);
    expect(wakeUps()).toBe(0);
  });

  it(`accepts ${MAX_BATCH_SIZE} tasks in one call`, async () => {
    const { service, primary } = setup();
    const results = await service.enqueueBatch(
      Array.from({ length: MAX_BATCH_SIZE }, (_, i) => email(`${i}`)),
    );
    expect(results.every((result) => 'via' in result)).toBe(true);
    expect(primary.calls).toHaveLength(1);
    expect(primary.stored).toHaveLength(MAX_BATCH_SIZE);
  });

  it(`refuses more than ${MAX_BATCH_SIZE} tasks and stores none of them`, async () => {
    const { service, primary } = setup();
    const inputs = Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => email(`${i}`));
    await expect(service.enqueueBatch(inputs)).rejects.toBeInstanceOf(TaskValidationError);
    expect(primary.calls).toHaveLength(0);
  });

  it('gives every task of a batch the same trace id', async () => {
    const { service, primary } = setup();
    await service.enqueueBatch([email('a'), email('b')], 'trace-batch');
    expect(primary.stored.map((task) => task.traceId)).toEqual(['trace-batch', 'trace-batch']);
  });
});
