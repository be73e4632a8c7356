export {
  createQueueAdapters,
  type QueueAdapterOptions,
  type QueueAdapters,
} from './create-queue-adapters.js';
export {
  EnqueueUnavailableError,
  QueueError,
  QueueLogicError,
  QueueTimeoutError,
  QueueUnavailableError,
} from './errors.js';
export type { EnqueueReceipt, FailoverEnqueueResult, FailoverEvent } from './failover/failover-producer.js';
export { type BreakerState, BreakerStates } from './guard/circuit-breaker.js';
export type { RedisTaskPort } from './guard/guarded-task-queue.js';
export type {
  DeadCandidate,
  DeadTaskFilter,
  OpsRecord,
  OpsStore,
  StateCounts,
  StoredOpsRecord,
  TaskListPage,
  TaskListQuery,
  TaskPosition,
} from './ops-store.js';
export {
  type DeadLetterStore,
  type JournalPort,
  type QueuePortOptions,
  type QueuePorts,
  type SqsDelivery,
  toQueuePorts,
} from './queue-ports.js';
export { createRedisClient } from './redis/create-redis-client.js';
// ioredisTransport (TCP, used by the tests and benchmarks) is imported by its path: exported here, it would put
// ioredis's types into the package's declarations, which a project without ioredis could not compile.
export type { RedisTransport } from './redis/redis-transport.js';
export { createSqsClient, type SqsClientSettings } from './sqs/create-sqs-client.js';
export type { DeadLetter } from './sqs/sqs-dead-letter-queue.js';
export type { SqsDepths } from './sqs/sqs-depths.js';
export type { SqsHealth } from './sqs/sqs-health.js';
export type {
  CancelOutcome,
  JournalEntry,
  LeasingTaskQueue,
  RedisDepths,
  TaskSink,
  TaskStatus,
} from './task-queue.js';
