import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/observability/logger.js';
import { createSqsClient, SqsTaskQueue } from '../../lib/queue/sqs/index.js';
import { ensureTandemQueues } from '../../local/ensure-tandem-queues.js';
import { type SqsEventSource, startSqsEventSource } from '../../local/event-source/sqs-event-source.js';
import { type SqsEmulator, startSqsEmulator } from '../support/sqs-emulator.js';
import { waitFor } from '../support/wait-for.js';

// The event-source emulator against a real SQS (fauxqs): what it deletes, and what comes back.

let sqs: SqsEmulator;
let source: SqsEventSource | undefined;
let counter = 0;

beforeAll(async () => {
  sqs = await startSqsEmulator();
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
});
afterAll(async () => {
  await sqs?.stop();
});

/** A task queue hiding received messages for one second, so a record left in it comes back quickly. */
async function queue() {
  counter += 1;
  const urls = await ensureTandemQueues(sqs.client, {
    prefix: `es-${counter}-${Date.now()}`,
    maxReceiveCount: 100,
    taskQueueAttributes: { VisibilityTimeout: '1' },
  });
  const client = createSqsClient({
    region: 'us-east-1',
    timeoutMs: 2_000,
    endpoint: sqs.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const tasks = new SqsTaskQueue(client, urls.taskQueueUrl, { timeoutMs: 2_000 });
  const send = async (...bodies: string[]) => {
    for (const body of bodies) {
      await client.send(new SendMessageCommand({ QueueUrl: urls.taskQueueUrl, MessageBody: body }));
    }
  };
  const left = async () => {
    const snapshot = await sqs.inspect(urls.taskQueueUrl);
    return [
      ...snapshot.messages.ready,
      ...snapshot.messages.delayed,
      ...snapshot.messages.inflight.map((entry) => entry.message),
    ].map((message) => message.body);
  };
  return { urls, tasks, send, left };
}

/** Every record the handler was given, by body, with the receive count Lambda reports. */
function recorder(answer: (event: SQSEvent) => unknown) {
  const seen: { body: string; receiveCount: number; arn: string }[] = [];
  const handler = async (event: SQSEvent) => {
    for (const record of event.Records) {
      seen.push({
        body: record.body,
        receiveCount: Number(record.attributes.ApproximateReceiveCount),
        arn: record.eventSourceARN,
      });
    }
    return answer(event);
  };
  const count = (body: string) => seen.filter((entry) => entry.body === body).length;
  return { seen, handler, count };
}

describe('startSqsEventSource', () => {
  it('deletes the records not reported as failures; a reported one comes back after its visibility timeout', async () => {
    const q = await queue();
    const { handler, seen, count } = recorder((event) => ({
      batchItemFailures: event.Records.filter((record) => record.body === 'fails' && count('fails') < 2).map(
        (record) => ({ itemIdentifier: record.messageId }),
      ),
    }));
    source = startSqsEventSource({
      queue: q.tasks,
      queueArn: q.urls.taskQueueArn,
      handler,
      logger: silentLogger,
      waitSeconds: 1,
    });
    await q.send('works', 'fails');

    await waitFor(() => count('fails') === 2, 'the failed record to come back', { timeoutMs: 8_000 });
    await waitFor(async () => (await q.left()).length === 0, 'both records to be deleted');
    expect(count('works')).toBe(1);
    expect(seen.find((entry) => entry.body === 'fails' && entry.receiveCount === 2)).toBeDefined();
    expect(seen[0]?.arn).toBe(q.urls.taskQueueArn);
    expect(source.stats).toMatchObject({ records: 3, deleted: 2, leftForRedelivery: 1 });
  });

  it('leaves the whole batch when the handler throws or names a record not in the batch', async () => {
    const q = await queue();
    let calls = 0;
    const { handler, count } = recorder(() => {
      calls += 1;
      if (calls === 1) throw new Error('handler crashed');
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      return {};
    });
    source = startSqsEventSource({
      queue: q.tasks,
      queueArn: q.urls.taskQueueArn,
      handler,
      logger: silentLogger,
      waitSeconds: 1,
      concurrency: 1,
    });
    await q.send('only');
    await waitFor(() => count('only') === 3, 'two failed invocations and a good one', { timeoutMs: 10_000 });
    await waitFor(async () => (await q.left()).length === 0, 'the record to be deleted at last');
    expect(source.stats.failedInvocations).toBe(2);
  });

  it('stops promptly while polling and waits for the batch in flight', async () => {
    const q = await queue();
    let finished = 0;
    const { handler, count } = recorder(async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      finished += 1;
      return {};
    });
    source = startSqsEventSource({
      queue: q.tasks,
      queueArn: q.urls.taskQueueArn,
      handler,
      logger: silentLogger,
      waitSeconds: 20,
    });
    await q.send('slow');
    await waitFor(() => count('slow') === 1, 'the batch to start');
    const started = Date.now();
    await source.stop();
    expect(finished).toBe(1);
    expect(Date.now() - started).toBeLessThan(3_000); // the idle 20 s long poll was cut short
    expect(await q.left()).toEqual([]);
  });
});
