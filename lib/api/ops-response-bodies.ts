import type { BulkReplayResult } from '../app/bulk-replay.js';
import type { StoredOpsRecord, TaskListPage } from '../queue/ops-store.js';
import { taskStatusBody } from './response-bodies.js';
import { encodeTaskCursor } from './task-cursor.js';

const iso = (epochMs: number) => new Date(epochMs).toISOString();
// Fields of timeline records that hold times: sent as ISO 8601, like every time the API answers with.
const TIME_FIELDS = new Set(['at', 'until', 'startedAt', 'endedAt']);

/** 200 of `GET /tasks`: one page, newest first, and the cursor of the next (null at the end). */
export function taskPageBody(page: TaskListPage) {
  return { tasks: page.tasks.map(taskStatusBody), cursor: page.next ? encodeTaskCursor(page.next) : null };
}

/** One record of `GET /events` or `GET /queues/history`: its fields, times as ISO 8601, and its entry id. */
export function opsRecordBody({ entryId, record }: StoredOpsRecord) {
  const body: Record<string, unknown> = { id: entryId };
  for (const [name, value] of Object.entries(record)) {
    body[name] = TIME_FIELDS.has(name) && typeof value === 'number' ? iso(value) : value;
  }
  return body;
}

/** 200 of `POST /dead/replay` (a dry run included). */
export function bulkReplayBody(result: BulkReplayResult) {
  const { lastStartAt, ...rest } = result;
  return { ...rest, ...(lastStartAt !== undefined && { lastStartAt: iso(lastStartAt) }) };
}
