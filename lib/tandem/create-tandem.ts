import { createApiApp } from '../api/create-api-app.js';
import { createTandemApp } from '../app/create-tandem-app.js';
import type { BatchItemResult } from '../app/enqueue-service.js';
import type { TandemApp } from '../app/tandem-app.js';
import { type EnqueueOptions, type PayloadOf, toTaskBody } from '../client/to-task-body.js';
import { type ApiHandler, createApiHandler } from '../handlers/api-handler.js';
import { type ConsumeHandler, createConsumeHandler } from '../handlers/consume-handler.js';
import { createReconcileHandler, type ReconcileHandler } from '../handlers/reconcile-handler.js';
import { eventsHandler, scheduleHandler } from '../handlers/trigger-handlers.js';
import type { CancelOutcome, EnqueueReceipt, TaskStatus } from '../queue/index.js';
import type { HttpTaskPayloadInput } from '../tasks/http/http-task-payload.js';
import type { EventsHandler, ScheduleHandler } from '../triggers/index.js';
import {
  type AnyTaskDefinition,
  appOptionsOf,
  once,
  type TandemFunctionOptions,
} from './function-options.js';

export type { AnyTaskDefinition } from './function-options.js';

export interface CreateTandemOptions<Tasks extends readonly AnyTaskDefinition[]>
  extends Omit<TandemFunctionOptions, 'tasks'> {
  /** The deployment's task types; the built-in `http` type is always there. */
  tasks: Tasks;
}

/** One item of `enqueueBatch`. */
export type BatchItem<Tasks extends readonly AnyTaskDefinition[]> = {
  [K in keyof Tasks]: { task: Tasks[K]; payload: PayloadOf<Tasks[K]>; options?: EnqueueOptions };
}[number];

/** Tandem inside your own code: enqueue without an HTTP hop, and the Lambda handlers of a deployment. */
export interface Tandem<Tasks extends readonly AnyTaskDefinition[]> {
  /** Stores a task in Redis, else SQS; resolves once one of them has it. The payload is type-checked. */
  enqueue<Task extends Tasks[number]>(
    task: Task,
    payload: PayloadOf<Task>,
    options?: EnqueueOptions,
  ): Promise<EnqueueReceipt>;
  /** The built-in webhook task. */
  enqueue(task: 'http', payload: HttpTaskPayloadInput, options?: EnqueueOptions): Promise<EnqueueReceipt>;
  /** Up to 100 tasks in one Redis round trip; invalid items are answered per item. */
  enqueueBatch(items: readonly BatchItem<Tasks>[]): Promise<BatchItemResult[]>;
  /** Null for an id never acknowledged; throws QueueUnavailableError while Redis cannot answer. */
  getTask(id: string): Promise<TaskStatus | null>;
  /** Cancels a task that is not running: `cancelled`, or why not (`running`, `finished`, `not_found`). */
  cancel(id: string): Promise<CancelOutcome>;
  /** The Lambda handlers: export each from its own function file. */
  handlers: {
    api: ApiHandler;
    consume: ConsumeHandler;
    reconcile: ReconcileHandler;
    schedule: ScheduleHandler;
    events: EventsHandler;
  };
  /** The HTTP API as a fetch handler (`Request` → `Response`), for any server that speaks fetch. */
  fetch(request: Request): Promise<Response>;
  /** The use cases themselves (drain, reconcile, health…), built on first use: for embedding and tools. */
  app(): TandemApp;
}

/**
 * Tandem for your own Lambda functions. Nothing is read or connected until first use; then the environment
 * is read once (a bad variable throws a ConfigError naming it) and the clients live as long as the container.
 *
 * @example
 * export const tandem = createTandem({ tasks: [sendWelcome] });
 * await tandem.enqueue(sendWelcome, { userId: 'u_1' }, { delaySeconds: 60 });
 * export const handler = tandem.handlers.consume;   // in functions/consume.ts
 */
export function createTandem<const Tasks extends readonly AnyTaskDefinition[]>(
  options: CreateTandemOptions<Tasks>,
): Tandem<Tasks> {
  let api: ReturnType<typeof createApiApp> | undefined;
  const app = once(() => createTandemApp(appOptionsOf(options)));
  return {
    // Async, so that a bad environment on first use is a rejection like any other failure.
    enqueue: async (task: AnyTaskDefinition | 'http', payload: unknown, enqueueOptions?: EnqueueOptions) =>
      app().enqueue(toTaskBody(task, payload, enqueueOptions)),
    enqueueBatch: async (items) =>
      app().enqueueBatch(items.map((item) => toTaskBody(item.task, item.payload, item.options))),
    getTask: async (id) => app().status(id),
    cancel: async (id) => app().cancel(id),
    handlers: {
      api: createApiHandler(app),
      consume: createConsumeHandler(app),
      reconcile: createReconcileHandler(app),
      schedule: scheduleHandler(app),
      events: eventsHandler(app),
    },
    fetch: async (request) => {
      api ??= createApiApp(app());
      return api.fetch(request);
    },
    app,
  };
}
