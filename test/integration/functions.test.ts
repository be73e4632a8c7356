import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tasks as deploymentTasks } from '../../functions/tasks.js';
import { createConsumeHandler, WAKE_EVENT } from '../../lib/handlers/consume-handler.js';
import { createReconcileHandler } from '../../lib/handlers/reconcile-handler.js';
import { eventsHandler, scheduleHandler } from '../../lib/handlers/trigger-handlers.js';
import { createLogger } from '../../lib/observability/create-logger.js';
import { noMetrics } from '../../lib/observability/metrics.js';
import { EnqueueUnavailableError } from '../../lib/queue/errors.js';
import { defineTask } from '../../lib/tasks/define-task.js';
import { UnrecoverableTaskError } from '../../lib/tasks/errors.js';
import type { TaskEnvelope } from '../../lib/tasks/task-envelope.js';
import { makeEnvelope } from '../support/envelopes.js';
import {
  eventBridgeEvent,
  lambdaContext,
  renderInputTransformer,
  s3Event,
  s3Record,
  scheduledEvent,
  snsEvent,
  sqsEvent,
} from '../support/lambda-events.js';
import { receiveRecords } from '../support/sqs-records.js';
import { type HarnessRuntime, startTandemHarness, type TandemHarness } from '../support/tandem-harness.js';
import { waitFor } from '../support/wait-for.js';
import { removed, withField } from '../support/with-field.js';
import { createRecordingLogger, type RecordedLine } from '../unit/fakes/recording-logger.js';
import { createRecordingMetrics, publishedValues } from '../unit/fakes/recording-metrics.js';

let harness: TandemHarness;
/** Every execution, in order: the witness for "ran", "ran once" and "never ran". */
let runs: { id: string; type: string; payload: unknown; via: string }[] = [];

const testTasks = [
  defineTask({
    type: 'record',
    schema: z.unknown(),
    handler: async (payload, { taskId, via }) => {
      runs.push({ id: taskId, type: 'record', payload, via });
      return { seen: payload };
    },
  }),
  defineTask({
    type: 'always-fails',
    schema: z.unknown(),
    retry: { baseDelayMs: 1000, maxDelayMs: 1000 },
    handler: async () => {
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
  defineTask({
    type: 'object-created',
    schema: z.object({ bucket: z.string(), key: z.string(), size: z.number(), eTag: z.string() }).strict(),
    handler: async (payload, { taskId, via }) => {
      runs.push({ id: taskId, type: 'object-created', payload, via });
    },
  }),
];

interface Setup {
  runtime: HarnessRuntime;
  /** What the runtime's metrics flushed. */
  metrics: ReturnType<typeof createRecordingMetrics>;
  logLines: RecordedLine[];
}

async function setup(env: Record<string, string> = {}): Promise<Setup> {
  const metrics = createRecordingMetrics();
  const logger = createRecordingLogger();
  const runtime = await harness.runtime({
    tasks: [...deploymentTasks, ...testTasks],
    env: { REDIS_TIMEOUT_MS: '300', SQS_TIMEOUT_MS: '1000', ...env },
    logger,
    metrics,
  });
  runs = [];
  return { runtime, metrics, logLines: logger.lines };
}

/** Nothing stored anywhere: the witness for "a bad event enqueues nothing". */
async function expectNothingStored(runtime: HarnessRuntime) {
  const depths = await runtime.adapters.redis.depths();
  expect([depths.ready.depth, depths.delayed.depth, depths.active.depth, depths.dead.depth]).toEqual([
    0, 0, 0, 0,
  ]);
  expect(await runtime.adapters.sqs.tasks.counts()).toMatchObject({ visible: 0, inFlight: 0, delayed: 0 });
}

/** Drains Redis as a wake-up would and returns what ran. */
async function drainAll(runtime: HarnessRuntime) {
  await createConsumeHandler(() => runtime)(WAKE_EVENT, lambdaContext());
  return runs;
}

beforeAll(async () => {
  harness = await startTandemHarness();
});
afterAll(async () => {
  await harness?.stop();
});

describe('consume handler', () => {
  it('runs an SQS batch received from the queue and reports only the records that must come back', async () => {
    const { runtime, metrics } = await setup();
    const ok = makeEnvelope({ type: 'echo', payload: { message: 'hi' }, enqueuedVia: 'sqs' });
    const failing = makeEnvelope({ type: 'always-fails', payload: null, maxAttempts: 3, enqueuedVia: 'sqs' });
    const doomed = makeEnvelope({ type: 'unrecoverable', payload: null, maxAttempts: 3, enqueuedVia: 'sqs' });
    await runtime.adapters.sqs.tasks.enqueue([ok, failing, doomed]);
    const records = await receiveRecords(runtime.adapters.sqs.tasks);
    expect(records).toHaveLength(3);
    const messageIdOf = (task: TaskEnvelope) =>
      records.find((record) => (JSON.parse(record.body) as TaskEnvelope).id === task.id)?.messageId;

    const result = await createConsumeHandler(() => runtime)(sqsEvent(records), lambdaContext());

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: messageIdOf(failing) }] });
    expect(await runtime.status(ok.id)).toMatchObject({ state: 'succeeded', result: { message: 'hi' } });
    const dead = await harness.sqs.inspect(runtime.queueUrls.deadLetterQueueUrl);
    expect(dead.messages.ready.map((message) => message.body).join('\n')).toContain(doomed.id);
    expect(publishedValues(metrics, 'TaskOutcome', { via: 'sqs', outcome: 'succeeded' })).toEqual([1]);
    expect(publishedValues(metrics, 'TaskOutcome', { via: 'sqs', outcome: 'retry' })).toEqual([1]);
    expect(publishedValues(metrics, 'TaskOutcome', { via: 'sqs', outcome: 'dead' })).toEqual([1]);
    expect(publishedValues(metrics, 'DuplicatesSuppressed', { at: 'consume' })).toEqual([0]);
    expect(publishedValues(metrics, 'UnverifiedRuns')).toEqual([0]);
  });

  it('suppresses and counts a redelivery of a task that already ran', async () => {
    const { runtime, metrics } = await setup();
    const task = makeEnvelope({ type: 'record', payload: { n: 1 }, enqueuedVia: 'sqs' });
    const consume = createConsumeHandler(() => runtime);
    await runtime.adapters.sqs.tasks.enqueue([task]);
    expect(
      await consume(sqsEvent(await receiveRecords(runtime.adapters.sqs.tasks)), lambdaContext()),
    ).toEqual({
      batchItemFailures: [],
    });
    await runtime.adapters.sqs.tasks.enqueue([task]);
    expect(
      await consume(sqsEvent(await receiveRecords(runtime.adapters.sqs.tasks)), lambdaContext()),
    ).toEqual({
      batchItemFailures: [],
    });
    expect(runs.map((run) => run.id)).toEqual([task.id]);
    expect(publishedValues(metrics, 'DuplicatesSuppressed', { at: 'consume' })).toEqual([0, 1]);
  });

  it('drains Redis on a wake event', async () => {
    const { runtime, metrics } = await setup();
    const receipts = await Promise.all(
      [1, 2, 3].map((n) => runtime.enqueue({ type: 'record', payload: { n } })),
    );
    expect(receipts.map((receipt) => receipt.via)).toEqual(['redis', 'redis', 'redis']);

    const summary = await createConsumeHandler(() => runtime)(WAKE_EVENT, lambdaContext());

    expect(summary).toMatchObject({ claimed: 3, succeeded: 3, failed: 0, dead: 0 });
    expect(runs.map((run) => run.id).sort()).toEqual(receipts.map((receipt) => receipt.id).sort());
    expect((await runtime.adapters.redis.depths()).ready.depth).toBe(0);
    expect(publishedValues(metrics, 'TaskOutcome', { via: 'redis', outcome: 'succeeded' })).toEqual([3]);
  });

  it("labels every line of an invocation, its tasks' lines included, with the Lambda request id", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line)) });
    const runtime = await harness.runtime({ tasks: deploymentTasks, logger, metrics: noMetrics });
    await runtime.enqueue({ type: 'echo', payload: { message: 'hi' } });
    lines.length = 0;
    const context = { ...lambdaContext(), awsRequestId: 'request-1', functionName: 'tandem-test-consume' };

    await createConsumeHandler(() => runtime)(WAKE_EVENT, context);

    expect(lines.map((line) => line.message)).toEqual(expect.arrayContaining(['echo', 'drain finished']));
    for (const line of lines) {
      expect(line).toMatchObject({
        service: 'tandem',
        function_request_id: 'request-1',
        function_name: 'tandem-test-consume',
        cold_start: expect.any(Boolean),
      });
    }
  });

  it('refuses an event it was not made for without throwing, acknowledging none of its records', async () => {
    const { runtime } = await setup();
    const consume = createConsumeHandler(() => runtime) as (
      event: unknown,
      context: unknown,
    ) => Promise<unknown>;
    expect(
      await consume({ Records: [{ eventSource: 'aws:kinesis', eventID: 'shard-1:42' }] }, lambdaContext()),
    ).toEqual({ batchItemFailures: [{ itemIdentifier: 'shard-1:42' }] });
    expect(await consume({ hello: 'world' }, lambdaContext())).toEqual({ batchItemFailures: [] });
  });
});

describe('reconcile handler', () => {
  it('answers a scheduled event with a report of what it did', async () => {
    const { runtime, logLines } = await setup();
    const delayed = await runtime.enqueue({ type: 'record', payload: null, delaySeconds: 1 });
    expect(delayed.state).toBe('scheduled');
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const report = await createReconcileHandler(() => runtime)(scheduledEvent(new Date().toISOString()));

    expect(report).toMatchObject({ ran: true, redis: { ok: true }, promoted: 1, errors: [] });
    expect(report.sqsDepths).toBeDefined();
    expect(logLines.find((line) => line.message === 'reconcile finished')?.level).toBe('info');
  });

  it('logs a pass that changed nothing at debug, so an idle queue keeps a quiet log', async () => {
    const { runtime, logLines } = await setup();

    const report = await createReconcileHandler(() => runtime)(scheduledEvent(new Date().toISOString()));

    expect(report).toMatchObject({ ran: true, journalApplied: 0, promoted: 0, woke: false, errors: [] });
    const finished = logLines.filter((line) => line.message === 'reconcile finished');
    expect(finished.map((line) => line.level)).toEqual(['debug']);
  });
});

describe('schedule handler', () => {
  /** The input the example schedule's transformer renders, for a given scheduled time. */
  const input = (
    time: string,
    task: Record<string, unknown> = { type: 'record', payload: { from: 'cron' } },
  ) => ({
    schedule: 'hourly-report',
    time,
    task,
  });

  it('enqueues once per scheduled time, even when the schedule fires twice', async () => {
    const { runtime } = await setup();
    const schedule = scheduleHandler(() => runtime);
    const first = await schedule(input('2030-01-01T10:00:00Z'));
    const again = await schedule(input('2030-01-01T10:00:00Z'));
    const nextHour = await schedule(input('2030-01-01T11:00:00Z'));

    if (!first.enqueued || !again.enqueued || !nextHour.enqueued) throw new Error('not enqueued');
    expect(first.receipt.duplicate).toBe(false);
    expect(again.receipt).toMatchObject({ id: first.receipt.id, duplicate: true });
    expect(nextHour.receipt.id).not.toBe(first.receipt.id);
    expect(first.idempotencyKey).toBe('schedule:hourly-report:2030-01-01T10:00:00.000Z');
    const ran = await drainAll(runtime);
    expect(ran.map((run) => run.id).sort()).toEqual([first.receipt.id, nextHour.receipt.id].sort());
  });

  it('a run missed while both queues are down throws, and its retry (same scheduled time) enqueues once', async () => {
    const { runtime } = await setup();
    const schedule = scheduleHandler(() => runtime);
    harness.stack.server.pause();
    await harness.sqs.pause();
    try {
      await expect(schedule(input('2030-01-01T12:00:00Z'))).rejects.toBeInstanceOf(EnqueueUnavailableError);
    } finally {
      harness.stack.server.resume();
      await harness.sqs.resume();
    }
    // Lambda retries a failed asynchronous event after a minute or more: by then the breaker has closed.
    await waitFor(async () => (await runtime.health()).redis.breaker === 'closed', 'Redis to answer again');
    // Whatever the failed attempt may have stored, one task runs.
    const retried = await schedule(input('2030-01-01T12:00:00Z'));
    const again = await schedule(input('2030-01-01T12:00:00Z'));
    if (!retried.enqueued || !again.enqueued) throw new Error('not enqueued');
    expect(again.receipt.id).toBe(retried.receipt.id);
    const ran = await drainAll(runtime);
    expect(ran.filter((run) => run.id === retried.receipt.id)).toHaveLength(1);
  });

  it('works with what the input transformer renders from a real scheduled event', async () => {
    const { runtime } = await setup();
    const event = scheduledEvent('2030-01-02T03:00:00Z');
    const rendered = renderInputTransformer(
      {
        InputPathsMap: { time: '$.time' },
        InputTemplate:
          '{"schedule":"hourly-echo","time":"<time>","task":{"type":"echo","payload":{"message":"hourly tick"}}}',
      },
      event as unknown as Record<string, unknown>,
    );
    const result = await scheduleHandler(() => runtime)(rendered);
    expect(result).toMatchObject({ enqueued: true, scheduledAt: '2030-01-02T03:00:00.000Z' });
  });

  it('without a time, the current minute makes the key', async () => {
    const { runtime } = await setup();
    const clock = () => Date.parse('2030-01-01T10:00:42.123Z');
    const result = await scheduleHandler(
      () => runtime,
      clock,
    )({ schedule: 'manual', task: { type: 'echo', payload: { message: 'x' } } });
    expect(result).toMatchObject({
      enqueued: true,
      idempotencyKey: 'schedule:manual:2030-01-01T10:00:00.000Z',
    });
  });

  it('reports bad input without throwing and stores nothing', async () => {
    const { runtime, logLines } = await setup();
    const schedule = scheduleHandler(() => runtime);
    const unknownType = await schedule(input('2030-01-01T10:00:00Z', { type: 'no-such-type', payload: {} }));
    const badPayload = await schedule(
      input('2030-01-01T10:00:00Z', { type: 'echo', payload: { message: 7 } }),
    );
    const noTask = await schedule({ schedule: 'hourly-report', time: '2030-01-01T10:00:00Z' });

    expect(unknownType).toMatchObject({ enqueued: false, error: { code: 'invalid_task' } });
    expect(badPayload).toMatchObject({ enqueued: false, error: { code: 'invalid_task' } });
    expect(noTask).toMatchObject({ enqueued: false, error: { code: 'invalid_schedule_input' } });
    expect(logLines.filter((line) => line.level === 'error')).toHaveLength(3);
    await expectNothingStored(runtime);
  });
});

describe('events handler', () => {
  it('maps an EventBridge event with a task in detail.tandem, once per event id', async () => {
    const { runtime } = await setup();
    const events = eventsHandler(() => runtime);
    const event = eventBridgeEvent({ tandem: { type: 'record', payload: { order: 7 } } });

    const first = await events(event);
    const redelivered = await events(event);

    expect(first.rejected).toEqual([]);
    expect(first.enqueued).toEqual([
      expect.objectContaining({ source: 'eventbridge', eventId: event.id, duplicate: false }),
    ]);
    expect(redelivered.enqueued).toEqual([
      expect.objectContaining({ id: first.enqueued[0]?.id, duplicate: true }),
    ]);
    const ran = await drainAll(runtime);
    expect(ran).toEqual([expect.objectContaining({ id: first.enqueued[0]?.id, payload: { order: 7 } })]);
  });

  it('maps what a rule input transformer renders: { eventId, task }', async () => {
    const { runtime } = await setup();
    const source = eventBridgeEvent(
      { orderId: 'o-1' },
      { source: 'shop.orders', detailType: 'Order Placed' },
    );
    const rendered = renderInputTransformer(
      {
        InputPathsMap: { id: '$.id', orderId: '$.detail.orderId' },
        InputTemplate: '{"eventId":"<id>","task":{"type":"record","payload":{"orderId":"<orderId>"}}}',
      },
      source as unknown as Record<string, unknown>,
    );
    const report = await eventsHandler(() => runtime)(rendered);
    expect(report.enqueued).toEqual([expect.objectContaining({ source: 'eventbridge', eventId: source.id })]);
    expect(await drainAll(runtime)).toEqual([expect.objectContaining({ payload: { orderId: 'o-1' } })]);
  });

  it('maps SNS messages that are tasks, reports the ones that are not, and dedupes by message id', async () => {
    const { runtime } = await setup();
    const events = eventsHandler(() => runtime);
    const event = snsEvent([
      { message: JSON.stringify({ type: 'record', payload: { via: 'sns' } }) },
      { message: 'this is not JSON' },
    ]);

    const report = await events(event);
    const again = await events(event);

    expect(report.enqueued).toEqual([
      expect.objectContaining({ source: 'sns', eventId: event.Records[0]?.Sns.MessageId, duplicate: false }),
    ]);
    expect(report.rejected).toEqual([
      expect.objectContaining({
        source: 'sns',
        eventId: event.Records[1]?.Sns.MessageId,
        code: 'invalid_message',
      }),
    ]);
    expect(again.enqueued[0]).toMatchObject({ id: report.enqueued[0]?.id, duplicate: true });
    expect(await drainAll(runtime)).toEqual([expect.objectContaining({ payload: { via: 'sns' } })]);
  });

  it('maps a listed SNS topic to its task type, the message as payload', async () => {
    const { runtime } = await setup({ SNS_TOPIC_TASK_TYPES: 'orders=record' });
    const report = await eventsHandler(() => runtime)(
      snsEvent([
        { topic: 'orders', message: '{"orderId":"o-9"}' },
        { topic: 'orders', message: 'plain text' },
      ]),
    );
    expect(report.enqueued).toHaveLength(2);
    const ran = await drainAll(runtime);
    expect(ran.map((run) => run.payload)).toEqual(expect.arrayContaining([{ orderId: 'o-9' }, 'plain text']));
  });

  it('maps S3 object creations to S3_TASK_TYPE with { bucket, key, size, eTag }, once per sequencer', async () => {
    const { runtime } = await setup({ S3_TASK_TYPE: 'object-created' });
    const events = eventsHandler(() => runtime);
    const created = s3Record({ key: 'photos/my+cat%21.jpg', size: 2048 });
    const removed = s3Record({ key: 'photos/old.jpg', eventName: 'ObjectRemoved:Delete' });

    const report = await events(s3Event([created, removed]));
    const again = await events(s3Event([created]));

    expect(report.enqueued).toEqual([expect.objectContaining({ source: 's3', duplicate: false })]);
    expect(report.ignored).toEqual([expect.objectContaining({ source: 's3' })]);
    expect(again.enqueued[0]).toMatchObject({ id: report.enqueued[0]?.id, duplicate: true });
    expect(await drainAll(runtime)).toEqual([
      expect.objectContaining({
        type: 'object-created',
        payload: {
          bucket: 'uploads',
          key: 'photos/my cat!.jpg',
          size: 2048,
          eTag: 'd41d8cd98f00b204e9800998ecf8427e',
        },
      }),
    ]);
  });

  it('reports every bad record, stores nothing and does not throw', async () => {
    const { runtime, logLines } = await setup();
    const events = eventsHandler(() => runtime);
    const reports = [
      await events(eventBridgeEvent({ orderId: 'o-1' })),
      await events(eventBridgeEvent({ tandem: { type: 'no-such-type', payload: {} } })),
      await events(eventBridgeEvent({ tandem: { type: 'echo', payload: { message: 42 } } })),
      await events(
        snsEvent([{ message: JSON.stringify({ type: 'echo', payload: { message: 'x' }, extra: 1 }) }]),
      ),
      await events(s3Event([s3Record({ key: 'a.txt' })])), // S3_TASK_TYPE is not set here
      await events({ hello: 'world' }),
    ];
    expect(reports.map((report) => report.rejected[0]?.code)).toEqual([
      'no_task',
      'invalid_task',
      'invalid_task',
      'invalid_task',
      'not_configured',
      'unsupported_event',
    ]);
    expect(reports.flatMap((report) => report.enqueued)).toEqual([]);
    expect(logLines.filter((line) => line.message === 'event rejected; nothing enqueued')).toHaveLength(6);
    await expectNothingStored(runtime);
  });

  it('rejects a malformed record on its own: its siblings enqueue and run', async () => {
    const { runtime } = await setup({ S3_TASK_TYPE: 'object-created' });
    const events = eventsHandler(() => runtime);
    const [good, noTopic, noMessageId] = snsEvent([
      { message: JSON.stringify({ type: 'record', payload: 'good' }) },
      { message: JSON.stringify({ type: 'record', payload: 'no topic' }) },
      { message: JSON.stringify({ type: 'record', payload: 'no message id' }) },
    ]).Records.map((record, index) =>
      index === 0 ? record : withField(record, ['Sns', index === 1 ? 'TopicArn' : 'MessageId'], removed),
    );

    const sns = await events({ Records: [good, noTopic, noMessageId] });
    const s3 = await events(s3Event([s3Record({ key: 'bad%zz.txt' }), s3Record({ key: 'ok.txt' })]));
    const again = await events({ Records: [noMessageId] });

    expect(sns.rejected).toEqual([expect.objectContaining({ source: 'sns', code: 'invalid_record' })]);
    expect(s3.rejected).toEqual([expect.objectContaining({ source: 's3', code: 'invalid_record' })]);
    expect(again.enqueued).toEqual([expect.objectContaining({ id: sns.enqueued[1]?.id, duplicate: true })]);
    const ran = await drainAll(runtime);
    expect(ran.map((run) => run.payload)).toEqual(
      expect.arrayContaining(['good', 'no message id', expect.objectContaining({ key: 'ok.txt' })]),
    );
    expect(ran).toHaveLength(3);
  });

  it('throws when no queue accepts the task, so Lambda retries the event', async () => {
    const { runtime } = await setup();
    const event = snsEvent([{ message: JSON.stringify({ type: 'record', payload: null }) }]);
    harness.stack.server.pause();
    await harness.sqs.pause();
    try {
      await expect(eventsHandler(() => runtime)(event)).rejects.toBeInstanceOf(EnqueueUnavailableError);
    } finally {
      harness.stack.server.resume();
      await harness.sqs.resume();
    }
  });
});
