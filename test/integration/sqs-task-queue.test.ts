import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueLogicError, QueueTimeoutError, QueueUnavailableError } from '../../lib/queue/errors.js';
import {
  createSqsBackend,
  createSqsClient,
  OutageJournal,
  parseTaskBody,
  type ReceivedMessage,
  SqsDeadLetterQueue,
  SqsTaskQueue,
} from '../../lib/queue/sqs/index.js';
import type { JournalEntry } from '../../lib/queue/task-queue.js';
import type { TaskEnvelope } from '../../lib/tasks/task-envelope.js';
import {
  createTandemQueues,
  type SqsEmulator,
  startSqsEmulator,
  type TandemQueues,
} from '../support/sqs-emulator.js';

const TIMEOUT_MS = 1000;

let sqs: SqsEmulator;
let client: SQSClient;

beforeAll(async () => {
  sqs = await startSqsEmulator();
  client = createSqsClient({
    region: 'us-east-1',
    timeoutMs: TIMEOUT_MS,
    endpoint: sqs.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  client?.destroy();
  await sqs?.stop();
});

function envelope(overrides: Partial<TaskEnvelope> = {}): TaskEnvelope {
  const now = Date.now();
  return {
    id: `task-${randomUUID()}`,
    type: 'email.send',
    payload: { to: 'someone@example.com', n: 1 },
    priority: 0,
    runAt: now,
    attempt: 0,
    maxAttempts: 3,
    timeoutMs: 30_000,
    traceId: `trace-${randomUUID()}`,
    createdAt: now,
    enqueuedVia: 'redis',
    ...overrides,
  };
}

const options = { timeoutMs: TIMEOUT_MS };

/** Receives until `count` messages arrived or `withinMs` passed. */
async function receiveAll(queue: SqsTaskQueue, count: number, withinMs = 5000): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  const until = Date.now() + withinMs;
  while (received.length < count && Date.now() < until) {
    received.push(...(await queue.receive(10, 1, 30)));
  }
  return received;
}

function envelopeOf(message: ReceivedMessage): TaskEnvelope {
  const parsed = parseTaskBody(message.body);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.envelope;
}

describe('SqsTaskQueue.enqueue', () => {
  let queues: TandemQueues;
  let tasks: SqsTaskQueue;

  beforeAll(async () => {
    queues = await createTandemQueues(sqs, 'enqueue');
    tasks = new SqsTaskQueue(client, queues.taskQueueUrl, options);
  });

  it('stores one task with its envelope as body and type, trace id and task id as attributes', async () => {
    const task = envelope({ idempotencyKey: 'order-42' });
    const result = await tasks.enqueue([task]);

    expect(result).toEqual({
      outcomes: [{ id: task.id, state: 'queued', duplicate: false }],
      wakeConsumer: false,
    });
    const [message, ...rest] = await receiveAll(tasks, 1);
    expect(rest).toEqual([]);
    expect(message?.receiveCount).toBe(1);
    expect(message?.attributes).toEqual({ type: task.type, traceId: task.traceId, taskId: task.id });
    expect(envelopeOf(message as ReceivedMessage)).toEqual({ ...task, enqueuedVia: 'sqs' });
    await tasks.deleteMessage((message as ReceivedMessage).receiptHandle);
  });

  it('stores 25 tasks (three batches) and reports each, in order', async () => {
    const batch = Array.from({ length: 25 }, (_, n) => envelope({ payload: { n } }));
    const result = await tasks.enqueue(batch);

    expect(result.outcomes.map((outcome) => outcome.id)).toEqual(batch.map((task) => task.id));
    const received = await receiveAll(tasks, 25);
    expect(received.map((message) => envelopeOf(message).id).sort()).toEqual(
      batch.map((task) => task.id).sort(),
    );
    for (const message of received) {
      const stored = envelopeOf(message);
      expect(stored.payload).toEqual(batch.find((task) => task.id === stored.id)?.payload);
    }
    await Promise.all(received.map((message) => tasks.deleteMessage(message.receiptHandle)));
  });

  it('refuses to report success when SQS refused an entry, and names it', async () => {
    const small = await sqs.createQueue(`small-${randomUUID().slice(0, 8)}`, { MaximumMessageSize: '1024' });
    const smallTasks = new SqsTaskQueue(client, small, options);
    const big = envelope({ payload: { blob: 'x'.repeat(2000) } });
    const fine = [envelope(), envelope()];

    const attempt = smallTasks.enqueue([fine[0] as TaskEnvelope, big, fine[1] as TaskEnvelope]);

    // SQS blamed the message itself (SenderFault): a logic error, never a success.
    await expect(attempt).rejects.toBeInstanceOf(QueueLogicError);
    await expect(attempt).rejects.toThrow(big.id);
    const stored = await receiveAll(smallTasks, 2, 2000);
    expect(stored.map((message) => envelopeOf(message).id).sort()).toEqual(
      fine.map((task) => task.id).sort(),
    );
  });
});

describe('SqsTaskQueue delays', () => {
  let queues: TandemQueues;
  let tasks: SqsTaskQueue;

  beforeAll(async () => {
    queues = await createTandemQueues(sqs, 'delays');
    tasks = new SqsTaskQueue(client, queues.taskQueueUrl, options);
  });

  it('delays a task due in 2 s with DelaySeconds: not visible before, delivered after', async () => {
    const task = envelope({ runAt: Date.now() + 2000 });
    const result = await tasks.enqueue([task]);

    expect(result.outcomes[0]?.state).toBe('scheduled');
    expect(await tasks.receive(10, 0)).toEqual([]);
    expect((await tasks.counts()).delayed).toBe(1);
    const [message] = await receiveAll(tasks, 1, 5000);
    expect(Date.now()).toBeGreaterThanOrEqual(task.runAt - 50);
    expect(envelopeOf(message as ReceivedMessage).id).toBe(task.id);
    await tasks.deleteMessage((message as ReceivedMessage).receiptHandle);
  });

  it('caps a delay beyond 15 minutes at 900 s and keeps runAt in the envelope for the hop', async () => {
    const sentAt = Date.now();
    const task = envelope({ runAt: sentAt + 3600_000 });
    await tasks.enqueue([task]);

    const snapshot = await sqs.inspect(queues.taskQueueUrl);
    const [delayed] = snapshot.messages.delayed;
    expect(snapshot.messages.delayed).toHaveLength(1);
    expect(delayed?.delayUntil).toBeGreaterThanOrEqual(sentAt + 900_000);
    expect(delayed?.delayUntil).toBeLessThanOrEqual(Date.now() + 900_000);
    expect(JSON.parse(delayed?.body ?? '{}').runAt).toBe(task.runAt);
  });

  it('hops a task received early: re-sent with the remaining delay, runAt unchanged', async () => {
    const runAt = Date.now() + 3600_000;
    // A queue whose clock says runAt is 2 s away: the hop must send DelaySeconds 2, not 900.
    const late = new SqsTaskQueue(client, queues.taskQueueUrl, { ...options, now: () => runAt - 2000 });
    const task = envelope({ runAt, id: `hop-${randomUUID()}` });

    expect(await late.hop(task)).toEqual({ delaySeconds: 2 });
    const hopped = (await sqs.inspect(queues.taskQueueUrl)).messages.delayed.find(
      (message) => JSON.parse(message.body).id === task.id,
    );
    expect(hopped?.delayUntil).toBeLessThanOrEqual(Date.now() + 2000);
    const [message] = await receiveAll(tasks, 1, 5000);
    expect(envelopeOf(message as ReceivedMessage)).toEqual({ ...task, enqueuedVia: 'sqs' });
  });
});

describe('SqsTaskQueue message operations', () => {
  let tasks: SqsTaskQueue;

  beforeAll(async () => {
    const queues = await createTandemQueues(sqs, 'operations');
    tasks = new SqsTaskQueue(client, queues.taskQueueUrl, options);
  });

  it('changes visibility (0 = deliver again now, counted) and deletes for good', async () => {
    const task = envelope();
    await tasks.enqueue([task]);
    const [first] = await tasks.receive(1, 1, 30);
    expect(await tasks.receive(1, 0)).toEqual([]);

    await tasks.changeVisibility((first as ReceivedMessage).receiptHandle, 0);
    const [second] = await tasks.receive(1, 1, 30);
    expect(second?.messageId).toBe(first?.messageId);
    expect(second?.receiveCount).toBe(2);

    await tasks.deleteMessage((second as ReceivedMessage).receiptHandle);
    await tasks.changeVisibility((second as ReceivedMessage).receiptHandle, 0).catch(() => undefined);
    expect(await tasks.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('lets SQS redrive a message to the dead-letter queue after maxReceiveCount deliveries', async () => {
    const queues = await createTandemQueues(sqs, 'redrive', { maxReceiveCount: 1 });
    const redriving = new SqsTaskQueue(client, queues.taskQueueUrl, options);
    const deadLetters = new SqsDeadLetterQueue(client, queues.deadLetterQueueUrl, options);
    const task = envelope();
    await redriving.enqueue([task]);

    await redriving.receive(1, 1, 0);
    expect(await redriving.receive(1, 1, 0)).toEqual([]);

    const [letter] = await deadLetters.listDeadLetters(10);
    expect(letter?.taskId).toBe(task.id);
    expect(letter?.redriven).toBe(true);
  });

  it('maps a missing queue to QueueLogicError', async () => {
    const missing = new SqsTaskQueue(client, `${sqs.endpoint}/000000000000/no-such-queue`, options);
    await expect(missing.enqueue([envelope()])).rejects.toBeInstanceOf(QueueLogicError);
  });
});

describe('SqsDeadLetterQueue', () => {
  let deadLetters: SqsDeadLetterQueue;

  beforeAll(async () => {
    const queues = await createTandemQueues(sqs, 'dead');
    deadLetters = new SqsDeadLetterQueue(client, queues.deadLetterQueueUrl, options);
  });

  it('stores a dead task with its reason, attempt and time, and lists it without hiding it', async () => {
    const task = envelope({ attempt: 3 });
    const before = Date.now();
    await deadLetters.deadLetter(task, 'handler threw: boom', 3);

    const first = await deadLetters.listDeadLetters(10);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      taskId: task.id,
      envelope: task,
      reason: 'handler threw: boom',
      attempt: 3,
    });
    expect(first[0]?.redriven).toBe(false);
    expect(first[0]?.failedAt).toBeGreaterThanOrEqual(before);
    // Listing gave them back at once: a second listing right away sees the same letter.
    expect((await deadLetters.listDeadLetters(10)).map((letter) => letter.taskId)).toEqual([task.id]);
  });

  it('replays by handing letters over and deletes them only after the hand-over succeeded', async () => {
    const task = envelope();
    await deadLetters.deadLetter(task, 'timeout', 5);

    const failing = deadLetters.takeDeadLetters({ ids: [task.id], limit: 10 }, async () => {
      throw new Error('enqueue failed');
    });
    await expect(failing).rejects.toThrow('enqueue failed');
    expect((await deadLetters.listDeadLetters(50)).some((letter) => letter.taskId === task.id)).toBe(true);

    const handedOver: string[] = [];
    const taken = await deadLetters.takeDeadLetters({ ids: [task.id], limit: 10 }, async (letters) => {
      handedOver.push(...letters.map((letter) => letter.taskId ?? ''));
    });
    expect(taken.map((letter) => letter.envelope)).toEqual([task]);
    expect(handedOver).toEqual([task.id]);
    const left = await deadLetters.listDeadLetters(50);
    expect(left.some((letter) => letter.taskId === task.id)).toBe(false);
    expect(left.length).toBeGreaterThan(0);
  });
});

describe('OutageJournal', () => {
  let journal: OutageJournal;
  let journalQueueUrl: string;

  beforeAll(async () => {
    ({ journalQueueUrl } = await createTandemQueues(sqs, 'journal'));
    journal = new OutageJournal(client, journalQueueUrl, options);
  });

  const entry = (state: JournalEntry['state']): JournalEntry => ({
    envelope: envelope({ enqueuedVia: 'sqs' }),
    via: 'sqs',
    state,
    attempt: 1,
    finishedAt: Date.now(),
    ...(state === 'succeeded' ? { result: { sent: true } } : { error: 'smtp down' }),
  });

  it('keeps entries when apply throws and removes them once applied', async () => {
    const entries = [entry('succeeded'), entry('failed'), entry('dead')];
    for (const recorded of entries) await journal.record(recorded);

    await expect(
      journal.drain(100, async () => {
        throw new Error('redis still down');
      }),
    ).rejects.toThrow('redis still down');

    const applied: JournalEntry[] = [];
    const result = await journal.drain(100, async (batch) => {
      applied.push(...batch);
      return batch.length;
    });
    expect(result).toEqual({ received: 3, applied: 3, deleted: 3, malformed: [] });
    const byId = (list: JournalEntry[]) =>
      [...list].sort((a, b) => a.envelope.id.localeCompare(b.envelope.id));
    expect(byId(applied)).toEqual(byId(entries));

    let calls = 0;
    const after = await journal.drain(100, async (batch) => {
      calls += 1;
      return batch.length;
    });
    expect(after.received).toBe(0);
    expect(calls).toBe(0);
  });

  it('reports and removes a message that is not a journal entry', async () => {
    await sqs.client.send(new SendMessageCommand({ QueueUrl: journalQueueUrl, MessageBody: 'not json' }));
    const result = await journal.drain(10, async (batch) => batch.length);
    expect(result.malformed.map((message) => message.body)).toEqual(['not json']);
    expect(await journal.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});

describe('depths and health', () => {
  it('counts visible, in-flight and delayed messages of the three queues', async () => {
    const queues = await createTandemQueues(sqs, 'depths');
    const backend = createSqsBackend(client, { ...queues, timeoutMs: TIMEOUT_MS });
    await backend.tasks.enqueue([envelope(), envelope(), envelope({ runAt: Date.now() + 60_000 })]);
    await backend.tasks.receive(1, 1, 30);
    await backend.deadLetters.deadLetter(envelope(), 'boom', 1);

    expect(await backend.depths()).toEqual({
      tasks: { visible: 1, inFlight: 1, delayed: 1 },
      deadLetters: { visible: 1, inFlight: 0, delayed: 0 },
      journal: { visible: 0, inFlight: 0, delayed: 0 },
    });
    const health = await backend.health();
    expect(health.ok).toBe(true);
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe('when SQS is unreachable', () => {
  let queues: TandemQueues;
  let tasks: SqsTaskQueue;

  beforeAll(async () => {
    queues = await createTandemQueues(sqs, 'outage');
    tasks = new SqsTaskQueue(client, queues.taskQueueUrl, options);
    // A warm keep-alive connection: the outage must also break connections the SDK already holds.
    await tasks.enqueue([envelope()]);
  });

  it('throws QueueUnavailableError at once while the emulator is down, and works again after', async () => {
    await sqs.pause();
    try {
      const started = Date.now();
      await expect(tasks.enqueue([envelope()])).rejects.toBeInstanceOf(QueueUnavailableError);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 250);
      const health = await createSqsBackend(client, { ...queues, timeoutMs: TIMEOUT_MS }).health();
      expect(health.ok).toBe(false);
    } finally {
      await sqs.resume();
    }
    const task = envelope();
    await tasks.enqueue([task]);
    const ids = (await receiveAll(tasks, 2)).map((message) => envelopeOf(message).id);
    expect(ids).toContain(task.id);
  });

  it('throws QueueTimeoutError within the deadline when SQS accepts the connection but never answers', async () => {
    const sockets = new Set<Socket>();
    const stalling: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => undefined);
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const { port } = stalling.address() as { port: number };
    const stalledClient = createSqsClient({
      region: 'us-east-1',
      timeoutMs: TIMEOUT_MS,
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      const stalled = new SqsTaskQueue(stalledClient, `http://127.0.0.1:${port}/000000000000/tasks`, options);
      const started = Date.now();
      await expect(stalled.enqueue([envelope()])).rejects.toBeInstanceOf(QueueTimeoutError);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 500);
    } finally {
      stalledClient.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => stalling.close(() => resolve()));
    }
  });
});

describe('FIFO queues', () => {
  let queues: TandemQueues;
  let tasks: SqsTaskQueue;

  beforeAll(async () => {
    queues = await createTandemQueues(sqs, 'fifo', { fifo: true });
    tasks = new SqsTaskQueue(client, queues.taskQueueUrl, options);
  });

  it('stores one message for two tasks with the same idempotency key', async () => {
    const first = envelope({ idempotencyKey: 'invoice 7 / März' });
    const second = envelope({ idempotencyKey: 'invoice 7 / März' });
    const other = envelope();

    await tasks.enqueue([first, other]);
    await tasks.enqueue([second]);

    const received = await receiveAll(tasks, 3, 2500);
    expect(received.map((message) => envelopeOf(message).id).sort()).toEqual([first.id, other.id].sort());
  });

  it('sends a delayed task without DelaySeconds (FIFO refuses it): visible at once, still scheduled', async () => {
    const task = envelope({ runAt: Date.now() + 600_000 });
    const result = await tasks.enqueue([task]);

    expect(result.outcomes[0]?.state).toBe('scheduled');
    const [message] = await receiveAll(tasks, 1, 2000);
    expect(envelopeOf(message as ReceivedMessage).runAt).toBe(task.runAt);
    await expect(tasks.hop(task)).rejects.toBeInstanceOf(QueueLogicError);
  });

  it('dead-letters the same task twice without deduplicating the second', async () => {
    const deadLetters = new SqsDeadLetterQueue(client, queues.deadLetterQueueUrl, options);
    const task = envelope();
    await deadLetters.deadLetter(task, 'first death', 3);
    await deadLetters.deadLetter(task, 'second death', 3);

    const letters = await deadLetters.listDeadLetters(10);
    expect(letters.map((letter) => letter.reason).sort()).toEqual(['first death', 'second death']);
  });
});
