import * as z from 'zod/mini';
import type { DeadCandidate, OpsRecord, StateCounts, StoredOpsRecord, TaskListPage } from '../ops-store.js';
import type { TaskStatus } from '../task-queue.js';
import { positionOf } from './ops-script-args.js';
import { expectReply, RedisInt, StringListReply, toTaskStatus } from './redis-replies.js';

const FlatReply = z.array(z.union([z.string(), RedisInt, StringListReply]));
const OpsRecordSchema = z.looseObject({ at: z.number(), kind: z.string() });

/** `list-tasks.lua`: { next cursor, then id, fields per task }. */
export function taskListPageOf(reply: unknown): TaskListPage {
  const [next, ...flat] = expectReply(FlatReply, reply, 'list-tasks');
  const tasks: TaskStatus[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const status = toTaskStatus(String(flat[i]), flat[i + 1] as string[]);
    if (status) tasks.push(status);
  }
  return { tasks, next: typeof next === 'string' && next !== '' ? positionOf(next) : null };
}

/** `read-idempotent.lua`: { id, fields } or {}. */
export function idempotentTaskOf(reply: unknown): TaskStatus | null {
  const flat = expectReply(
    z.union([z.tuple([]), z.tuple([z.string(), StringListReply])]),
    reply,
    'read-idempotent',
  );
  return flat.length === 0 ? null : toTaskStatus(flat[0], flat[1]);
}

/** `count-states.lua`: eight integers. */
export function stateCountsOf(reply: unknown): StateCounts {
  const [queued, scheduled, running, succeeded, failed, dead, cancelled, exact] = expectReply(
    z.array(RedisInt).check(z.length(8)),
    reply,
    'count-states',
  ) as [number, number, number, number, number, number, number, number];
  return { queued, scheduled, running, succeeded, failed, dead, cancelled, exact: exact === 1 };
}

/** `read-stream.lua`: { entry id, JSON, ... }; a record that does not parse is skipped, not fatal. */
export function storedRecordsOf(reply: unknown): StoredOpsRecord[] {
  const flat = expectReply(StringListReply, reply, 'read-stream');
  const records: StoredOpsRecord[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const record = parseRecord(flat[i + 1] as string);
    if (record) records.push({ entryId: flat[i] as string, record });
  }
  return records;
}

/** `select-dead.lua`: { id, type, last error, died at, attempt, ... }. */
export function deadCandidatesOf(reply: unknown): DeadCandidate[] {
  const flat = expectReply(z.array(z.union([z.string(), RedisInt])), reply, 'select-dead');
  const candidates: DeadCandidate[] = [];
  for (let i = 0; i + 4 < flat.length; i += 5) {
    candidates.push({
      id: String(flat[i]),
      type: String(flat[i + 1]),
      lastError: String(flat[i + 2]),
      diedAt: Number(flat[i + 3]),
      attempt: Number(flat[i + 4]),
    });
  }
  return candidates;
}

function parseRecord(json: string): OpsRecord | null {
  try {
    const parsed = OpsRecordSchema.safeParse(JSON.parse(json));
    return parsed.success ? (parsed.data as OpsRecord) : null;
  } catch {
    return null;
  }
}
