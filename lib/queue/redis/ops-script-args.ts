import type { DeadTaskFilter, TaskListQuery, TaskPosition } from '../ops-store.js';

type Args = (string | number)[];

/** Index entries one listing page looks at, at most: a selective filter then answers with a cursor. */
export const LIST_SCAN_BUDGET = 2_000;
/** Dead entries a selection looks at, at most. */
export const DEAD_SCAN_BUDGET = 20_000;

/** The task index member of a task (see scripts/task-index.ts). */
export function indexMember({ createdAt, id }: TaskPosition): string {
  return `${String(createdAt).padStart(15, '0')}:${id}`;
}

/** The task position of an index member; null when it is not one. */
export function positionOf(member: string): TaskPosition | null {
  const match = /^(\d{15}):(.+)$/.exec(member);
  return match ? { createdAt: Number(match[1]), id: match[2] as string } : null;
}

/** ARGV of `list-tasks.lua` (see its header). */
export function listTasksArgs(taskPrefix: string, query: TaskListQuery): Args {
  return [
    taskPrefix,
    query.after ? indexMember(query.after) : '',
    query.limit,
    LIST_SCAN_BUDGET,
    query.state ?? '',
    query.type ?? '',
    query.text ?? '',
  ];
}

/** ARGV of `select-dead.lua` (see its header). */
export function selectDeadArgs(taskPrefix: string, filter: DeadTaskFilter, limit: number): Args {
  return [
    taskPrefix,
    filter.from ?? '-inf',
    filter.to ?? '+inf',
    filter.type ?? '',
    filter.error ?? '',
    limit,
    DEAD_SCAN_BUDGET,
    ...(filter.ids ?? []),
  ];
}

/** ARGV of `replay-dead-at.lua` (see its header). */
export function replayDeadAtArgs(
  taskPrefix: string,
  now: number,
  starts: readonly { id: string; runAt: number }[],
): Args {
  return [taskPrefix, now, ...starts.flatMap(({ id, runAt }) => [id, runAt])];
}

/** The first stream entry id after `entryId` (`<ms>-<seq>`), for reading on from a cursor. */
export function entryAfter(entryId: string): string {
  const match = /^(\d+)-(\d+)$/.exec(entryId);
  if (!match) throw new RangeError(`not a stream entry id: ${entryId.slice(0, 40)}`);
  return `${match[1]}-${BigInt(match[2] as string) + 1n}`;
}
