import { z } from 'zod';
import type { Config } from '../../../lib/config/index.js';
import { defineTask } from '../../../lib/tasks/define-task.js';
import { TaskRegistry } from '../../../lib/tasks/task-registry.js';
import type { TriggerDeps } from '../../../lib/triggers/index.js';
import { sendEmailTask } from './email-task.js';
import { FakeEnqueue } from './fake-enqueue.js';
import { createRecordingLogger } from './recording-logger.js';
import { createRecordingMetrics } from './recording-metrics.js';

/** Takes any payload: the type SNS topics and EventBridge events map onto in the trigger tests. */
export const recordTask = defineTask({ type: 'record', schema: z.unknown(), handler: async () => null });

/** The S3 payload, checked strictly, so a wrong mapping fails validation. */
export const objectCreatedTask = defineTask({
  type: 'object-created',
  schema: z
    .object({ bucket: z.string(), key: z.string(), size: z.number().nullable(), eTag: z.string().nullable() })
    .strict(),
  handler: async () => null,
});

export interface FakeTriggerDepsOptions {
  mapping?: Partial<Config['events']>;
  clock?: () => number;
}

/**
 * {@link TriggerDeps} in memory: a {@link FakeEnqueue} that knows `record`, `object-created` and
 * `send-email`, a recording logger and recording metrics.
 */
export function fakeTriggerDeps({ mapping = {}, clock }: FakeTriggerDepsOptions = {}) {
  const enqueue = new FakeEnqueue(new TaskRegistry([recordTask, objectCreatedTask, sendEmailTask]));
  const logger = createRecordingLogger();
  const metrics = createRecordingMetrics();
  const deps: TriggerDeps = {
    enqueue: enqueue.enqueue,
    logger,
    metrics,
    mapping: { snsTopicTaskTypes: {}, s3TaskType: undefined, ...mapping },
    ...(clock !== undefined && { clock }),
  };
  return { deps, enqueue, logger, metrics };
}
