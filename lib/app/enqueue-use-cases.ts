import type { TaskRegistry } from '../tasks/task-registry.js';
import type { AppParts } from './app-parts.js';
import { EnqueueService } from './enqueue-service.js';
import type { TandemApp } from './tandem-app.js';

/** Validate, store (Redis, else SQS) and wake a consumer: one task or a batch. */
export function enqueueUseCases(
  { ports, wakeConsumer, telemetry }: AppParts,
  registry: TaskRegistry,
): Pick<TandemApp, 'enqueue' | 'enqueueBatch'> {
  const enqueue = new EnqueueService({
    registry,
    producer: ports.producer,
    wakeConsumer,
    onStored: telemetry.stored,
  });
  return {
    enqueue: (input, traceId) => enqueue.enqueue(input, traceId),
    enqueueBatch: (inputs, traceId) => enqueue.enqueueBatch(inputs, traceId),
  };
}
