import type {
  BatchItemResult,
  CancelledTask,
  DeadTaskList,
  HealthReport,
  QueueDepths,
  ReplayResult,
  TaskReceipt,
  TaskStatus,
} from './api-answers.js';
import { type ApiAnswer, apiErrorFrom } from './api-error-from.js';
import { createRequester, type FetchLike, type RequestOptions } from './create-requester.js';
import type { BulkReplayResult, DepthSample, TaskPage, TimelinePage } from './ops-answers.js';
import {
  type ListTasksOptions,
  listTasksQuery,
  type ReplayAllOptions,
  replayAllBody,
  type TimelineOptions,
  timeQuery,
} from './ops-options.js';
import {
  type EnqueueBatchItem,
  type EnqueueOptions,
  type PayloadOf,
  type TaskRef,
  toTaskBody,
} from './to-task-body.js';

export interface TandemClientOptions {
  /** The API's base URL (a path prefix such as an API Gateway stage is kept). */
  url: string;
  /** One of the API's `TANDEM_API_TOKENS`. */
  token: string;
  /** Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Deadline of each request, headers and body, in ms. Default 10 000. */
  timeoutMs?: number;
}

export interface ListDeadOptions {
  /** 1–500, default 50. */
  limit?: number;
}

/** Tandem's HTTP API, typed. Every method throws a `TandemClientError` subclass when it cannot answer. */
export interface TandemClient {
  /** `POST /tasks`: resolves once Redis or SQS stored the task. */
  enqueue<Task extends TaskRef>(
    task: Task,
    payload: PayloadOf<Task>,
    options?: EnqueueOptions,
  ): Promise<TaskReceipt>;
  /** `POST /tasks/batch` (≤ 100): per item, in order, a receipt or the error that kept it out. */
  enqueueBatch<const Tasks extends readonly TaskRef[]>(
    items: {
      readonly [K in keyof Tasks]: EnqueueBatchItem<Tasks[K]>;
    },
  ): Promise<BatchItemResult[]>;
  /** `GET /tasks/{id}`; `null` when the API knows no such task (never seen, or its result expired). */
  getTask(id: string): Promise<TaskStatus | null>;
  /** `DELETE /tasks/{id}`; a running or finished task throws `TandemConflictError`. */
  cancel(id: string): Promise<CancelledTask>;
  /** `GET /dead`: dead tasks from both paths, newest first. */
  listDead(options?: ListDeadOptions): Promise<DeadTaskList>;
  /** `POST /dead/{id}/replay`; a task that is not dead throws `TandemNotFoundError`. */
  replay(id: string): Promise<ReplayResult>;
  /** `POST /dead/replay`: the given dead tasks, or those matching a filter, paced; `dryRun` only counts them. */
  replayAll(options?: ReplayAllOptions): Promise<BulkReplayResult>;
  /** `GET /health`; resolves with the report even when both backends are down (503). */
  health(): Promise<HealthReport>;
  /** `GET /queues`; resolves with the depths even when neither backend answers (503). */
  queues(): Promise<QueueDepths>;
  /** `GET /tasks`: a page, newest first, by state, type or payload text. */
  listTasks(options?: ListTasksOptions): Promise<TaskPage>;
  /** `GET /tasks?idempotencyKey=`: the task stored under an idempotency key, or null. */
  findByIdempotencyKey(key: string): Promise<TaskStatus | null>;
  /** `GET /events`: the operations timeline since a time (default: an hour ago) or after a cursor. */
  events(options?: TimelineOptions & { cursor?: string }): Promise<TimelinePage>;
  /** `GET /queues/history`: depth samples since a time (default: an hour ago). */
  queueHistory(options?: TimelineOptions): Promise<{ samples: DepthSample[] }>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * A client of Tandem's HTTP API for code outside Lambda. It pulls in nothing at run time (no zod, AWS
 * SDK or Hono); passing a task definition types the payload from its schema.
 *
 * @example
 * const tandem = createTandemClient({ url: 'https://tandem.example.com', token: apiToken });
 * const { id } = await tandem.enqueue(sendWelcome, { userId: 'u-1' }, { idempotencyKey: 'welcome:u-1' });
 * const status = await tandem.getTask(id); // { state: 'queued', … } or null
 */
export function createTandemClient(options: TandemClientOptions): TandemClient {
  const request = createRequester({
    url: options.url,
    token: options.token,
    fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  /** The body of a 2xx (or of a status in `alsoOk`); any other answer throws its typed error. */
  const call = async <T>(
    method: string,
    path: string,
    requestOptions: RequestOptions = {},
    alsoOk: readonly number[] = [],
  ): Promise<T> => bodyOf<T>(await request(method, path, requestOptions), alsoOk);
  const task = (id: string) => `/tasks/${encodeURIComponent(id)}`;

  return {
    // async, so that a bad option rejects the promise instead of throwing at the call.
    enqueue: async (taskRef, payload, enqueueOptions) =>
      call('POST', '/tasks', { body: toTaskBody(taskRef, payload, enqueueOptions) }),
    async enqueueBatch(items) {
      const tasks = (items as readonly EnqueueBatchItem[]).map((item) =>
        toTaskBody(item.task, item.payload, item.options),
      );
      const answer = await call<{ results: BatchItemResult[] }>('POST', '/tasks/batch', { body: { tasks } });
      return answer.results;
    },
    async getTask(id) {
      const answer = await request('GET', task(id));
      // Only the API's own "not found" means no such task; a gateway's 404 (a wrong base URL) is an error.
      if (answer.status === 404 && errorCodeOf(answer.body) === 'not_found') return null;
      return bodyOf<TaskStatus>(answer);
    },
    cancel: (id) => call('DELETE', task(id)),
    listDead: ({ limit } = {}) => call('GET', '/dead', { query: { limit } }),
    replay: (id) => call('POST', `/dead/${encodeURIComponent(id)}/replay`),
    replayAll: async (replayOptions = {}) =>
      call('POST', '/dead/replay', {
        body: replayAllBody(replayOptions),
        query: { dryRun: replayOptions.dryRun ? 'true' : undefined },
      }),
    health: () => call('GET', '/health', {}, [503]),
    queues: () => call('GET', '/queues', {}, [503]),
    listTasks: async (listOptions = {}) => call('GET', '/tasks', { query: listTasksQuery(listOptions) }),
    async findByIdempotencyKey(key) {
      const page = await call<TaskPage>('GET', '/tasks', { query: { idempotencyKey: key } });
      return page.tasks[0] ?? null;
    },
    events: async ({ cursor, ...since } = {}) =>
      call('GET', '/events', { query: { ...timeQuery(since), cursor } }),
    queueHistory: async (historyOptions = {}) =>
      call('GET', '/queues/history', { query: timeQuery(historyOptions) }),
  };
}

/**
 * A 2xx answer's JSON body. A status in `alsoOk` counts as an answer too, unless its body is an error
 * body: `/health` sends its report with 503, but a gateway's 503 is still an outage.
 */
function bodyOf<T>(answer: ApiAnswer, alsoOk: readonly number[] = []): T {
  const ok = answer.status >= 200 && answer.status < 300;
  const answersAnyway = alsoOk.includes(answer.status) && isReport(answer.body);
  if ((!ok && !answersAnyway) || answer.body === undefined) throw apiErrorFrom(answer);
  return answer.body as T;
}

function errorCodeOf(body: unknown): unknown {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function isReport(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !('error' in body) && 'redis' in body;
}
