import type { TaskPosition } from '../queue/ops-store.js';
import { TaskIdSchema } from '../tasks/task-envelope.js';

/**
 * The `cursor` of `GET /tasks`: where the last page ended, opaque to callers (base64url of creation time
 * and id), so the next page starts right after it however many tasks arrived meanwhile.
 *
 * @example
 * decodeTaskCursor(encodeTaskCursor({ createdAt: 1733000000000, id: 't-1' })); // { createdAt: …, id: 't-1' }
 */
export function encodeTaskCursor(position: TaskPosition): string {
  return Buffer.from(`${position.createdAt}:${position.id}`, 'utf8').toString('base64url');
}

/** The position a cursor names, or null when it is not one this API gave out. */
export function decodeTaskCursor(cursor: string): TaskPosition | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  const match = /^(\d{1,15}):(.+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !TaskIdSchema.safeParse(match[2]).success) return null;
  return { createdAt: Number(match[1]), id: match[2] as string };
}
