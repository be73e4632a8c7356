import * as z from 'zod/mini';
import { createTandemApp } from '../../lib/app/create-tandem-app.js';
import type { TandemApp } from '../../lib/app/tandem-app.js';
import { loadConfig } from '../../lib/config/index.js';
import { silentLogger } from '../../lib/observability/logger.js';
import { noMetrics } from '../../lib/observability/metrics.js';
import { createSqsClient } from '../../lib/queue/sqs/create-sqs-client.js';
import { defineTask } from '../../lib/tasks/define-task.js';
import type { TandemQueueUrls } from '../../local/ensure-tandem-queues.js';
import { sqsPollQueue } from '../../local/event-source/sqs-poll-queue.js';
import { toSqsRecord } from '../../local/event-source/to-sqs-record.js';

/** The workload's shape: how many tasks, how they arrive, how many fail once, and the outage. */
export interface CostWorkload {
  tasks: number;
  /** Tasks enqueued in batches (`enqueueBatch`) of this size; the rest one by one. */
  batchSize: number;
  batchedShare: number;
  /** Share of tasks whose first attempt throws (retried after a short backoff). */
  failOnceShare: number;
  /** Share of the one-by-one tasks enqueued while Redis is stalled (SIGSTOP): they go to SQS. */
  outageShare: number;
}

/** Lambda invocations the workload caused, by function, as a deployment would see them. */
export interface Invocations {
  /** One per enqueue call (POST /tasks or /tasks/batch), were they made through the api function. */
  api: number;
  /** Wake-ups: asynchronous invokes of consume for the Redis path. */
  consumeWake: number;
  /** SQS batches the event source mapping hands consume. */
  consumeSqs: number;
  /** Reconcile passes run to finish the workload (replaying the outage journal, promoting retries). */
  reconcile: number;
}

export interface TandemWorkloadHooks {
  /** Stops Redis answering (and starts it again): the outage. */
  pauseRedis(): void;
  resumeRedis(): void;
}

export const CostPayloadSchema = z.object({ n: z.number(), failOnce: z.boolean() });

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

/**
 * Runs the workload on a Tandem app built from `env` (the bridge and the emulator), as the functions
 * would: wake-ups drain in process, one at a time; SQS messages reach consume in batches of 10, as the
 * event source mapping delivers them. Resolves when every task has succeeded.
 */
export async function runTandemWorkload(
  env: Record<string, string>,
  sqsEndpoint: string,
  queues: TandemQueueUrls,
  workload: CostWorkload,
  hooks: TandemWorkloadHooks,
): Promise<{ invocations: Invocations; attempts: number; eventSourceRequests: number; app: TandemApp }> {
  const succeeded = new Set<number>();
  let attempts = 0;
  const task = defineTask({
    type: 'cost',
    schema: CostPayloadSchema,
    retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 },
    handler: async ({ n, failOnce }, { attempt }) => {
      attempts += 1;
      if (failOnce && attempt === 1) throw new Error('first attempt fails');
      succeeded.add(n);
      return null;
    },
  });
  const invocations: Invocations = { api: 0, consumeWake: 0, consumeSqs: 0, reconcile: 0 };
  let draining: Promise<unknown> = Promise.resolve();
  const drain = () => {
    draining = draining.then(() => app.drain(() => 60_000)).catch(() => undefined);
    return draining;
  };
  const sqsClient = (timeoutMs: number) =>
    createSqsClient({ region: 'us-east-1', timeoutMs, endpoint: sqsEndpoint, credentials });
  const app: TandemApp = createTandemApp({
    config: loadConfig(env),
    tasks: [task],
    logger: silentLogger,
    metrics: noMetrics,
    sqsClient: sqsClient(2000),
    wakeConsumer: async () => {
      invocations.consumeWake += 1;
      void drain();
    },
  });
  const poll = sqsPollQueue(sqsClient(5000), queues.taskQueueUrl);
  let eventSourceRequests = 0;
  // The event source mapping: batches of up to 10, deleting what consume did not hand back.
  const deliverSqs = async () => {
    for (;;) {
      eventSourceRequests += 1;
      const messages = await poll.receive(10, 0, 30);
      if (messages.length === 0) return;
      invocations.consumeSqs += 1;
      const records = messages.map((message) => toSqsRecord(message, queues.taskQueueArn));
      const result = await app.consumeSqs(records, () => 60_000);
      const failed = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
      for (const message of messages) {
        if (failed.has(message.messageId)) continue;
        eventSourceRequests += 1;
        await poll.deleteMessage(message.receiptHandle);
      }
    }
  };
  const every = Math.max(1, Math.round(1 / workload.failOnceShare));
  const body = (n: number) => ({ type: 'cost', payload: { n, failOnce: n % every === 0 } });

  const batched = Math.round(workload.tasks * workload.batchedShare);
  const single = workload.tasks - batched;
  const outage = Math.round(single * workload.outageShare);
  const beforeOutage = Math.floor((single - outage) / 2);
  let n = 0;
  for (; n < beforeOutage; n += 1) {
    invocations.api += 1;
    await app.enqueue(body(n));
  }
  for (let start = 0; start < batched; start += workload.batchSize) {
    const size = Math.min(workload.batchSize, batched - start);
    invocations.api += 1;
    await app.enqueueBatch(Array.from({ length: size }, (_, k) => body(n + k)));
    n += size;
  }
  await draining;
  // The outage: Redis stops answering; enqueues fail over to SQS and consume runs them from there.
  hooks.pauseRedis();
  try {
    for (const end = n + outage; n < end; n += 1) {
      invocations.api += 1;
      await app.enqueue(body(n));
    }
    await deliverSqs();
  } finally {
    hooks.resumeRedis();
  }
  // Traffic returns to Redis once the breaker's probe succeeds (cooldown plus one call), as in production.
  const recovery = Date.now() + 10_000;
  while ((await app.health()).redis.breaker !== 'closed') {
    if (Date.now() > recovery) throw new Error('cost workload: the breaker did not close after the outage');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (; n < workload.tasks; n += 1) {
    invocations.api += 1;
    await app.enqueue(body(n));
  }
  // Until every task has succeeded: SQS retries come back after their backoff, Redis retries wait in
  // `delayed` for the next claim, journaled outcomes for a reconcile pass.
  const deadline = Date.now() + 120_000;
  while (succeeded.size < workload.tasks) {
    if (Date.now() > deadline)
      throw new Error(`cost workload: ${succeeded.size}/${workload.tasks} succeeded`);
    await deliverSqs();
    invocations.reconcile += 1;
    await app.reconcile();
    await drain();
    if (succeeded.size < workload.tasks) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Until the outcomes journaled during the outage are all written back.
  for (;;) {
    invocations.reconcile += 1;
    const report = await app.reconcile();
    if (report.redis.ok && report.journalApplied === 0) break;
  }
  return { invocations, attempts, eventSourceRequests, app };
}
