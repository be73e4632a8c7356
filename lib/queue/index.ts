export { DeadLetterService, type DeadTask } from './dead-letter-service.js';
export { type BatchItemResult, EnqueueService, MAX_BATCH_SIZE } from './enqueue-service.js';
export {
  EnqueueUnavailableError,
  QueueError,
  QueueLogicError,
  QueueTimeoutError,
  QueueUnavailableError,
} from './errors.js';
export { CircuitBreaker } from './failover/circuit-breaker.js';
export { type EnqueueReceipt, FailoverProducer } from './failover/failover-producer.js';
export { createRedisClient } from './redis/create-redis-client.js';
export { ioredisTransport } from './redis/ioredis-transport.js';
export { RedisTaskQueue } from './redis/redis-task-queue.js';
export type { RedisTransport } from './redis/redis-transport.js';
export type { LeasingTaskQueue, TaskSink, TaskStatus } from './task-queue.js';
