import * as z from 'zod/mini';
import type { TaskEnvelope } from '../../tasks/task-envelope.js';
import type {
  AckOutcome,
  AckResult,
  DepthAndAge,
  EnqueueOutcome,
  EnqueueResult,
  Lease,
  Promotion,
  RedisDepths,
  RunClaim,
  SlotRelease,
  TaskStatus,
} from '../task-queue.js';
import {
  expectReply,
  parseStoredEnvelope,
  RedisInt,
  StringListReply,
  toTaskStatus,
} from './redis-replies.js';

// Each script's reply, checked before use: a reply of the wrong shape is a transport failure, never a success.
const EnqueueReply = z.tuple([RedisInt, RedisInt], z.union([z.string(), RedisInt]));
const AckReply = z.array(z.enum(['succeeded', 'failed', 'dead', 'lost']));
const ClaimReply = z.tuple([RedisInt, RedisInt, RedisInt], z.union([z.string(), RedisInt]));
export const ReapReply = z.tuple([StringListReply, StringListReply]);
const RunClaimReply = z.union([
  z.tuple([z.literal('run'), RedisInt]),
  z.tuple([z.literal('duplicate'), z.string()]),
  z.tuple([z.literal('busy')]),
  z.tuple([z.literal('throttled'), RedisInt]),
]);

/** A script's `arm` reply: the DelaySeconds of a wake-up to send, or -1 for none. */
export function armed(arm: number): { armWake?: number } {
  return arm >= 0 ? { armWake: arm } : {};
}

/** `enqueue.lua`: { wake, arm, then id, state, duplicate per task }. */
export function enqueueResultOf(reply: unknown, count: number): EnqueueResult {
  const [wake, arm, ...flat] = expectReply(EnqueueReply, reply, 'enqueue');
  if (flat.length !== count * 3) throw expectReply(z.never(), reply, 'enqueue');
  const outcomes: EnqueueOutcome[] = [];
  for (let i = 0; i < flat.length; i += 3) {
    outcomes.push({
      id: String(flat[i]),
      state: String(flat[i + 1]) as EnqueueOutcome['state'],
      duplicate: Number(flat[i + 2]) === 1,
    });
  }
  return { outcomes, wakeConsumer: wake === 1, ...armed(arm) };
}

/** `claim.lua`: { arm, next due, throttled, then envelope JSON, attempt per leased task }. */
export function leaseOf(reply: unknown): Pick<Lease, 'tasks' | 'nextDueAt' | 'armWake' | 'throttled'> {
  const [arm, nextDueAt, throttled, ...flat] = expectReply(ClaimReply, reply, 'claim');
  const tasks: TaskEnvelope[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const envelope = parseStoredEnvelope(String(flat[i]), 'claim');
    tasks.push({ ...envelope, attempt: Number(flat[i + 1]) });
  }
  return { tasks, throttled, ...(nextDueAt >= 0 && { nextDueAt }), ...armed(arm) };
}

/** `complete.lua` and `fail.lua`: one state per item, in order. */
export function ackOutcomesOf(
  items: readonly { id: string }[],
  reply: unknown,
  operation: string,
): AckOutcome[] {
  const states = expectReply(AckReply, reply, operation);
  if (states.length !== items.length) throw expectReply(z.never(), states, 'ack');
  return items.map((item, index) => ({ id: item.id, state: states[index] as AckOutcome['state'] }));
}

/** `list-dead.lua`: { id, hash fields } per dead task. */
export function deadStatusesOf(reply: unknown): TaskStatus[] {
  const flat = expectReply(z.array(z.union([z.string(), StringListReply])), reply, 'list-dead');
  const statuses: TaskStatus[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const status = toTaskStatus(String(flat[i]), flat[i + 1] as string[]);
    if (status) statuses.push(status);
  }
  return statuses;
}

/** `depths.lua`: { depth, createdAt of the oldest } for ready, delayed, active, dead. */
export function depthsOf(reply: unknown, now: number): RedisDepths {
  const flat = expectReply(z.array(z.union([z.string(), RedisInt])).check(z.length(8)), reply, 'depths');
  const entry = (index: number): DepthAndAge => {
    const createdAt = Number(flat[index * 2 + 1] || now);
    return { depth: Number(flat[index * 2]), oldestAgeMs: Math.max(0, now - createdAt) };
  };
  return { ready: entry(0), delayed: entry(1), active: entry(2), dead: entry(3) };
}

/** `claim-run.lua`: run (with the attempt), duplicate (with the state) or busy. */
export function runClaimOf(reply: unknown, token: string): RunClaim {
  const claim = expectReply(RunClaimReply, reply, 'claim-run');
  if (claim[0] === 'run') return { decision: 'run', token, attempt: claim[1] };
  if (claim[0] === 'duplicate') return { decision: 'duplicate', state: claim[1] as TaskStatus['state'] };
  if (claim[0] === 'throttled') return { decision: 'throttled', ...(claim[1] >= 0 && { opensAt: claim[1] }) };
  return { decision: 'busy' };
}

/** `release-consumer-slot.lua`: { backlog, arm }. */
export function slotReleaseOf(reply: unknown): SlotRelease {
  const [backlog, arm] = expectReply(z.tuple([RedisInt, RedisInt]), reply, 'release-consumer-slot');
  return { backlog, ...armed(arm) };
}

/** `complete.lua` and `fail.lua`: { arm, then one state per item }. */
export function ackResultOf(items: readonly { id: string }[], reply: unknown, operation: string): AckResult {
  const [arm, ...states] = expectReply(z.tuple([RedisInt], z.string()), reply, operation);
  return { outcomes: ackOutcomesOf(items, states, operation), ...armed(arm) };
}

/** `promote-due.lua`: { promoted, ready, wake, arm }. */
export function promotionOf(reply: unknown): Promotion {
  const [promoted, ready, wake, arm] = expectReply(
    z.tuple([RedisInt, RedisInt, RedisInt, RedisInt]),
    reply,
    'promote-due',
  );
  return { promoted, ready, wakeConsumer: wake === 1, ...armed(arm) };
}
