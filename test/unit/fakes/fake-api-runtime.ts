import type { ApiRuntime } from '../../../lib/api/api-runtime.js';
import { EnqueueService } from '../../../lib/queue/enqueue-service.js';
import { CircuitBreaker } from '../../../lib/queue/failover/circuit-breaker.js';
import { FailoverProducer } from '../../../lib/queue/failover/failover-producer.js';
import type { TaskStatus } from '../../../lib/queue/task-queue.js';
import { emailRegistry } from './email-task.js';
import { accepts, FakeTaskSink } from './fake-task-sink.js';
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
  const producer = new FailoverProducer({
    primary: redis,
    fallback: sqs,
    breaker: new CircuitBreaker({ failureThreshold: 3, cooldownMs: 2000 }),
    primaryTimeoutMs: 20,
    fallbackTimeoutMs: 50,
  });
  const runtime: ApiRuntime = {
    config: { api: { tokens: [FAKE_TOKEN] }, breaker: { cooldownMs: 2000 } },
    logger,
    enqueue: new EnqueueService({
      registry: emailRegistry(),
      producer,
      wakeConsumer: async () => {},
      logger,
    }),
    deadLetters: { list: async () => ({ tasks: [], redisReachable: true }), replay: async () => [] },
    sqs: {
      depths: async () => {
        const counts = { visible: 0, inFlight: 0, delayed: 0 };
        return { tasks: counts, deadLetters: counts, journal: counts };
      },
    },
    status: async (id) => statuses.get(id) ?? null,
    cancel: async (id) => (statuses.has(id) ? 'cancelled' : 'not_found'),
    health: async () => ({
      redis: { ok: true, latencyMs: 1, breaker: 'closed' },
      sqs: { ok: true, latencyMs: 2 },
    }),
    redisDepths: async () => {
      const empty = { depth: 0, oldestAgeMs: 0 };
      return { ready: empty, delayed: empty, active: empty, dead: empty };
    },
    ...overrides,
  };
  return { runtime, redis, sqs, logger, statuses };
}
