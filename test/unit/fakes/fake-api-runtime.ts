import type { ApiRuntime } from '../../../lib/api/api-env.js';
import { EnqueueService } from '../../../lib/app/enqueue-service.js';
import type { OpsUseCases } from '../../../lib/app/tandem-app.js';
import { FailoverProducer } from '../../../lib/queue/failover/failover-producer.js';
import { RedisGuard } from '../../../lib/queue/guard/redis-guard.js';
import type { TaskStatus } from '../../../lib/queue/task-queue.js';
import { emailRegistry } from './email-task.js';
import { accepts, behindGuard, FakeTaskSink } from './fake-task-sink.js';
import { createRecordingLogger } from './recording-logger.js';

export const FAKE_TOKEN = 'unit-token-0123456789abcdef';

/**
 * An {@link ApiRuntime} in memory: a real EnqueueService (real validation, real failover) over two fake
 * sinks, a map of statuses, and overridable health, depths and dead-letter answers.
 */
export function fakeApiRuntime(overrides: Partial<ApiRuntime> = {}) {
  const redis = new FakeTaskSink('redis', accepts());
  const sqs = new FakeTaskSink('sqs', accepts());
  const logger = createRecordingLogger();
  const statuses = new Map<string, TaskStatus>();
  const guard = new RedisGuard({ failureThreshold: 3, cooldownMs: 2000, timeoutMs: 20 });
  const producer = new FailoverProducer({
    primary: behindGuard(redis, guard),
    fallback: sqs,
    fallbackTimeoutMs: 50,
  });
  const enqueue = new EnqueueService({ registry: emailRegistry(), producer, wakeConsumer: async () => {} });
  const runtime: ApiRuntime = {
    config: { api: { tokens: [FAKE_TOKEN] }, breaker: { cooldownMs: 2000 } },
    logger,
    enqueue: (input, traceId) => enqueue.enqueue(input, traceId),
    enqueueBatch: (inputs, traceId) => enqueue.enqueueBatch(inputs, traceId),
    deadLetters: { list: async () => ({ tasks: [], redisReachable: true }), replay: async () => [] },
    status: async (id) => statuses.get(id) ?? null,
    cancel: async (id) => (statuses.has(id) ? 'cancelled' : 'not_found'),
    health: async () => ({
      redis: { ok: true, latencyMs: 1, breaker: 'closed' },
      sqs: { ok: true, latencyMs: 2 },
    }),
    queues: async () => {
      const empty = { depth: 0, oldestAgeMs: 0 };
      const counts = { visible: 0, inFlight: 0, delayed: 0 };
      return {
        redis: { available: true, ready: empty, delayed: empty, active: empty, dead: empty },
        sqs: { available: true, tasks: counts, deadLetters: counts, journal: counts },
      };
    },
    ops: fakeOps(),
    ...overrides,
  };
  return { runtime, redis, sqs, logger, statuses };
}

/** The operator's use cases in memory: empty answers, each replaceable. */
export function fakeOps(overrides: Partial<OpsUseCases> = {}): OpsUseCases {
  const ops: OpsUseCases = {
    listTasks: async () => ({ tasks: [], next: null }),
    findByIdempotencyKey: async () => null,
    stateCounts: async () => ({
      queued: 0,
      scheduled: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      dead: 0,
      cancelled: 0,
      exact: true,
    }),
    events: async () => [],
    samples: async () => [],
    redisUnreachableSince: () => undefined,
    replayDead: async (request) => ({
      dryRun: request.dryRun,
      count: 0,
      byType: {},
      byError: [],
      foundIn: { redis: 0, sqs: 0 },
      redisReachable: true,
      replayed: [],
      perSecond: request.perSecond,
    }),
    flush: async () => {},
  };
  return { ...ops, ...overrides };
}
