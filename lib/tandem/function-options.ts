import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Redis } from '@upstash/redis';
import type { TandemAppOptions } from '../app/app-parts.js';
import { loadConfig } from '../config/load-config.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { TaskDefinition } from '../tasks/define-task.js';

/** Any task definition, whatever its schema. */
// biome-ignore lint/suspicious/noExplicitAny: each task's schema type is inferred by PayloadOf.
export type AnyTaskDefinition = TaskDefinition<any>;

/** What a Tandem, or one of its Lambda functions alone, is made from. */
export interface TandemFunctionOptions {
  /** The deployment's task types; the built-in `http` type is always there. */
  tasks?: readonly AnyTaskDefinition[];
  /** The environment to read at cold start (default: the process environment). */
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  metrics?: Metrics;
  /** How to start a consumer now; default: a wake-up message on the task queue (its event source runs consume). */
  wakeConsumer?: () => Promise<void>;
  /** Clients made elsewhere; by default made from the environment, once per container. */
  redis?: Redis;
  sqsClient?: SQSClient;
}

/** The app's options: the environment read now (a bad variable throws a ConfigError naming it). */
export function appOptionsOf(options: TandemFunctionOptions): TandemAppOptions {
  return {
    config: loadConfig(options.env),
    ...(options.tasks !== undefined && { tasks: options.tasks }),
    ...(options.logger !== undefined && { logger: options.logger }),
    ...(options.metrics !== undefined && { metrics: options.metrics }),
    ...(options.wakeConsumer !== undefined && { wakeConsumer: options.wakeConsumer }),
    ...(options.redis !== undefined && { redis: options.redis }),
    ...(options.sqsClient !== undefined && { sqsClient: options.sqsClient }),
  };
}

/** `make()` on the first call, its value ever after: one app per container, built on first use. */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
