import { Redis } from '@upstash/redis';
import { z } from 'zod';
import { silentLogger } from '../../lib/observability/logger.js';
import { RedisTaskQueue } from '../../lib/queue/redis/redis-task-queue.js';
import type { RedisTransport } from '../../lib/queue/redis/redis-transport.js';
import { drainQueue } from '../../lib/runner/drain-queue.js';
import { defineTask } from '../../lib/tasks/define-task.js';
import type { TaskEnvelope } from '../../lib/tasks/task-envelope.js';
import { TaskRegistry } from '../../lib/tasks/task-registry.js';
import { makeEnvelope } from '../../test/support/envelopes.js';

/** The payload every section sends, Tandem and the baselines alike: a small webhook-like object (~200 B). */
export function benchPayload(n: number) {
  return {
    n,
    orderId: `order-${String(n).padStart(8, '0')}`,
    customer: 'cus_4f9a1c2e7b',
    amountCents: 1999 + (n % 100),
    currency: 'EUR',
    items: [{ sku: 'sku-1042', qty: 2 }],
    callback: 'https://hooks.example.com/orders/paid',
  };
}

export const PayloadSchema = z.object({
  n: z.number().int(),
  orderId: z.string(),
  customer: z.string(),
  amountCents: z.number().int(),
  currency: z.string().length(3),
  items: z.array(z.object({ sku: z.string(), qty: z.number().int() })),
  callback: z.url(),
});

/** A fresh envelope (new id) around the bench payload. */
export function benchEnvelope(n: number): TaskEnvelope {
  return makeEnvelope({ type: 'noop', payload: benchPayload(n) });
}

export function benchEnvelopes(count: number, offset = 0): TaskEnvelope[] {
  return Array.from({ length: count }, (_, n) => benchEnvelope(offset + n));
}

/** The consumer side: one task type whose handler does nothing after the payload parsed. */
export const noopRegistry = new TaskRegistry([
  defineTask({ type: 'noop', schema: PayloadSchema, handler: async () => undefined }),
]);

export interface UpstashClientOptions {
  url: string;
  token: string;
  autoPipelining: boolean;
  timeoutMs?: number;
}

/**
 * An Upstash client set up as `createRedisClient` sets it up (no retries, a signal factory, no telemetry,
 * no automatic deserialization), with auto-pipelining as a switch: the lever section 2 measures.
 */
export function upstashClient({
  url,
  token,
  autoPipelining,
  timeoutMs = 2_000,
}: UpstashClientOptions): Redis {
  return new Redis({
    url,
    token,
    retry: false,
    enableAutoPipelining: autoPipelining,
    automaticDeserialization: false,
    enableTelemetry: false,
    signal: () => AbortSignal.timeout(timeoutMs),
  });
}

/** A queue with the production TTLs (24 h idempotency, 7 d results) on its own name. */
export function benchQueue(redis: Redis | RedisTransport, queueName: string): RedisTaskQueue {
  return new RedisTaskQueue({
    redis,
    queueName,
    idempotencyTtlMs: 86_400_000,
    resultTtlMs: 7 * 86_400_000,
  });
}

let queueCounter = 0;
/** Queue names must match QUEUE_NAME's rule; a counter keeps runs apart. */
export function uniqueQueueName(label: string): string {
  queueCounter += 1;
  return `bench-${label}-${process.pid}-${queueCounter}`;
}

/** Tandem's defaults (`CLAIM_BATCH_SIZE`, `CONSUMER_CONCURRENCY`), the drain settings the bench measures. */
export const DRAIN_DEFAULTS = { batchSize: 50, concurrency: 10 } as const;

/** One Redis drain of everything ready, at Tandem's defaults, as a consume invocation runs it. */
export function benchDrain(queue: RedisTaskQueue, registry: TaskRegistry) {
  return drainQueue({
    queue,
    registry,
    logger: silentLogger,
    consumerId: 'bench-consumer',
    ...DRAIN_DEFAULTS,
    leaseMs: 30_000,
    remainingTimeMs: () => 900_000,
  });
}
