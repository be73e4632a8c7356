import { QueueUnavailableError } from '../queue/errors.js';
import type {
  DeadCandidate,
  DeadLetterStore,
  DeadTaskFilter,
  LeasingTaskQueue,
  OpsStore,
} from '../queue/index.js';
import type { DeadLetter } from '../queue/sqs/sqs-dead-letter-queue.js';
import type { TaskEnvelope } from '../tasks/task-envelope.js';

/** `POST /dead/replay`: which dead tasks, how many at most, how fast, and whether only to preview. */
export interface BulkReplayRequest {
  filter: DeadTaskFilter;
  limit: number;
  /** Start times are spread so that at most this many replayed tasks start per second. */
  perSecond: number;
  /** Say what would be replayed, and replay nothing. */
  dryRun: boolean;
}

/** What a bulk replay did (or, for a dry run, would do). */
export interface BulkReplayResult {
  dryRun: boolean;
  /** Tasks matched (and, unless a dry run, replayed). */
  count: number;
  byType: Record<string, number>;
  /** Last errors, most frequent first (each cut to 200 characters). */
  byError: { error: string; count: number }[];
  /** Where they were found: the Redis dead set, the SQS dead-letter queue (a task may be in both). */
  foundIn: { redis: number; sqs: number };
  /** False when Redis could not be read: a dry run then covers the SQS dead letters only. */
  redisReachable: boolean;
  /** Ids queued again (empty for a dry run). */
  replayed: string[];
  perSecond: number;
  /** When the last replayed task is due to start (epoch ms); absent when nothing was replayed. */
  lastStartAt?: number;
}

export interface BulkReplayOptions {
  ops: Pick<OpsStore, 'selectDead' | 'replayDeadAt'>;
  redis: Pick<LeasingTaskQueue, 'enqueue'>;
  deadLetters: DeadLetterStore;
  wakeConsumer: () => Promise<void>;
  /** SQS dead letters looked through per replay (SQS reads ten at a time). Default 1 000. */
  sqsScan?: number;
  clock?: () => number;
}

interface Candidate {
  id: string;
  type: string;
  lastError: string;
  diedAt: number;
  inRedis: boolean;
  letter?: DeadLetter;
}

const ERROR_TEXT = 200;
const SCRIPT_CHUNK = 1_000;

/**
 * Replays dead tasks by filter, from both stores, paced: the i-th task starts i / perSecond seconds from
 * now, so replaying 10 000 webhooks reaches their target at a bounded rate instead of all at once. A dry
 * run answers the same counts and replays nothing. Replays go through Redis (so the run claim knows them):
 * with Redis down a replay throws QueueUnavailableError, while a dry run still counts the SQS side.
 */
export async function bulkReplay(
  options: BulkReplayOptions,
  request: BulkReplayRequest,
): Promise<BulkReplayResult> {
  const { candidates, redisReachable } = await selectCandidates(options, request);
  const result = summarize(candidates, request, redisReachable);
  if (request.dryRun) return result;
  // Not even "nothing to replay" while Redis is away: its dead tasks could not be seen.
  if (!redisReachable) throw new QueueUnavailableError('redis cannot take a replay right now', 'redis');
  if (candidates.length === 0) return result;

  const now = (options.clock ?? Date.now)();
  const startOf = (index: number) => now + Math.floor((index * 1000) / request.perSecond);
  const starts = candidates.map((candidate, index) => ({ candidate, runAt: startOf(index) }));
  const replayed = new Set<string>();
  const inRedis = starts.filter(({ candidate }) => candidate.inRedis);
  for (let i = 0; i < inRedis.length; i += SCRIPT_CHUNK) {
    const chunk = inRedis
      .slice(i, i + SCRIPT_CHUNK)
      .map(({ candidate, runAt }) => ({ id: candidate.id, runAt }));
    for (const id of await options.ops.replayDeadAt(chunk)) replayed.add(id);
  }
  await replayLetters(options, starts, replayed);
  if (replayed.size > 0) await options.wakeConsumer();
  const done = starts.filter(({ candidate }) => replayed.has(candidate.id));
  if (done.length === 0) return result;
  return { ...result, replayed: [...replayed], lastStartAt: Math.max(...done.map(({ runAt }) => runAt)) };
}

async function selectCandidates(options: BulkReplayOptions, { filter, limit }: BulkReplayRequest) {
  const byId = new Map<string, Candidate>();
  let redisReachable = true;
  try {
    for (const task of await options.ops.selectDead(filter, limit)) byId.set(task.id, fromRedis(task));
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    redisReachable = false;
  }
  for (const letter of await options.deadLetters.listDeadLetters(options.sqsScan ?? 1_000)) {
    const known = letter.envelope ? byId.get(letter.envelope.id) : undefined;
    if (known) known.letter = letter;
    else if (matchesLetter(letter, filter))
      byId.set((letter.envelope as TaskEnvelope).id, fromLetter(letter));
  }
  const candidates = [...byId.values()].sort((a, b) => a.diedAt - b.diedAt).slice(0, limit);
  return { candidates, redisReachable };
}

/** SQS dead letters not in Redis: taken from the queue and stored in Redis at their start times. */
async function replayLetters(
  options: BulkReplayOptions,
  starts: { candidate: Candidate; runAt: number }[],
  replayed: Set<string>,
): Promise<void> {
  const withLetter = starts.filter(({ candidate }) => candidate.letter !== undefined);
  if (withLetter.length === 0) return;
  const runAtOf = new Map(withLetter.map(({ candidate, runAt }) => [candidate.id, runAt]));
  await options.deadLetters.takeDeadLetters(
    { ids: [...runAtOf.keys()], limit: runAtOf.size, scanLimit: options.sqsScan ?? 1_000 },
    async (letters) => {
      const fresh: TaskEnvelope[] = [];
      for (const { envelope } of letters) {
        if (!envelope || replayed.has(envelope.id)) continue;
        fresh.push({
          ...envelope,
          attempt: 0,
          runAt: runAtOf.get(envelope.id) ?? Date.now(),
          enqueuedVia: 'redis',
        });
      }
      if (fresh.length === 0) return;
      const { outcomes } = await options.redis.enqueue(fresh);
      for (const outcome of outcomes) if (!outcome.duplicate) replayed.add(outcome.id);
    },
  );
}

function summarize(
  candidates: Candidate[],
  request: BulkReplayRequest,
  redisReachable: boolean,
): BulkReplayResult {
  const byType: Record<string, number> = {};
  const errors = new Map<string, number>();
  const foundIn = { redis: 0, sqs: 0 };
  for (const candidate of candidates) {
    byType[candidate.type] = (byType[candidate.type] ?? 0) + 1;
    const error = candidate.lastError.slice(0, ERROR_TEXT) || '(none)';
    errors.set(error, (errors.get(error) ?? 0) + 1);
    if (candidate.inRedis) foundIn.redis += 1;
    if (candidate.letter) foundIn.sqs += 1;
  }
  const byError = [...errors].map(([error, count]) => ({ error, count })).sort((a, b) => b.count - a.count);
  return {
    dryRun: request.dryRun,
    count: candidates.length,
    byType,
    byError,
    foundIn,
    redisReachable,
    replayed: [],
    perSecond: request.perSecond,
  };
}

function matchesLetter(letter: DeadLetter, filter: DeadTaskFilter): boolean {
  const { envelope } = letter;
  if (!envelope) return false;
  if (filter.ids && !filter.ids.includes(envelope.id)) return false;
  if (filter.type !== undefined && envelope.type !== filter.type) return false;
  if (filter.error !== undefined && !letter.reason.toLowerCase().includes(filter.error.toLowerCase()))
    return false;
  if (filter.from !== undefined && letter.failedAt < filter.from) return false;
  return filter.to === undefined || letter.failedAt <= filter.to;
}

function fromRedis(task: DeadCandidate): Candidate {
  return { id: task.id, type: task.type, lastError: task.lastError, diedAt: task.diedAt, inRedis: true };
}

function fromLetter(letter: DeadLetter): Candidate {
  const envelope = letter.envelope as TaskEnvelope;
  return {
    id: envelope.id,
    type: envelope.type,
    lastError: letter.reason,
    diedAt: letter.failedAt,
    inRedis: false,
    letter,
  };
}
