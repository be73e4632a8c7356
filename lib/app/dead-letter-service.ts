import { QueueUnavailableError } from '../queue/errors.js';
import type { DeadLetter, DeadLetterStore, LeasingTaskQueue } from '../queue/index.js';
import type { TaskEnvelope } from '../tasks/task-envelope.js';

/** One dead task as `GET /dead` shows it, whichever path buried it. */
export interface DeadTask {
  id: string;
  type: string | null;
  attempt: number;
  lastError: string;
  diedAt: number;
  /** Where it is kept: the Redis dead set, the SQS dead-letter queue, or both. */
  foundIn: ('redis' | 'sqs')[];
}

export interface DeadLetterServiceOptions {
  /** Redis behind its guard. */
  redis: Pick<LeasingTaskQueue, 'listDead' | 'replayDead' | 'enqueue'>;
  deadLetters: DeadLetterStore;
  /** Starts a consumer within its own budget (see `boundedWake`); never throws. */
  wakeConsumer: () => Promise<void>;
  clock?: () => number;
  /** Told of every replay that queued tasks again (the operations timeline). */
  onReplayed?: (ids: readonly string[]) => void;
}

/**
 * Lists and replays dead tasks from both stores. A task that died on the SQS path while Redis was up is
 * in both; it is shown once and replayed once. Replays go through Redis, so a replayed task is known to
 * the run claim; while Redis is down, replay waits (it throws QueueUnavailableError → 503).
 */
export class DeadLetterService {
  readonly #options: DeadLetterServiceOptions;

  constructor(options: DeadLetterServiceOptions) {
    this.#options = options;
  }

  async list(limit: number): Promise<{ tasks: DeadTask[]; redisReachable: boolean }> {
    const { redis, deadLetters } = this.#options;
    const byId = new Map<string, DeadTask>();
    let redisReachable = true;
    try {
      for (const status of await redis.listDead(limit)) {
        byId.set(status.id, {
          id: status.id,
          type: status.type,
          attempt: status.attempt,
          lastError: status.lastError ?? '',
          diedAt: status.updatedAt,
          foundIn: ['redis'],
        });
      }
    } catch (error) {
      // Only an unreachable Redis is answered from SQS alone; an answer that proves a bug is a bug.
      if (!(error instanceof QueueUnavailableError)) throw error;
      redisReachable = false;
    }
    for (const letter of await deadLetters.listDeadLetters(limit)) {
      const id = letter.taskId ?? `message:${letter.messageId}`;
      const known = byId.get(id);
      if (known) known.foundIn.push('sqs');
      else byId.set(id, fromLetter(id, letter));
    }
    const tasks = [...byId.values()].sort((a, b) => b.diedAt - a.diedAt).slice(0, limit);
    return { tasks, redisReachable };
  }

  /** Replays the given dead tasks (or the oldest `limit` when no ids); returns the ids queued again. */
  async replay(ids: readonly string[] | undefined, limit = 100): Promise<string[]> {
    const { redis, deadLetters } = this.#options;
    const now = (this.#options.clock ?? Date.now)();
    const replayed = new Set(await redis.replayDead(ids ?? [], limit));
    await deadLetters.takeDeadLetters({ ...(ids !== undefined && { ids }), limit }, async (letters) => {
      const fresh: TaskEnvelope[] = [];
      for (const letter of letters) {
        if (!letter.envelope || replayed.has(letter.envelope.id)) continue;
        fresh.push({ ...letter.envelope, attempt: 0, runAt: now, enqueuedVia: 'redis' });
      }
      if (fresh.length === 0) return;
      const result = await redis.enqueue(fresh);
      for (const outcome of result.outcomes) if (!outcome.duplicate) replayed.add(outcome.id);
    });
    if (replayed.size > 0) await this.#options.wakeConsumer();
    if (replayed.size > 0) this.#options.onReplayed?.([...replayed]);
    return [...replayed];
  }
}

function fromLetter(id: string, letter: DeadLetter): DeadTask {
  return {
    id,
    type: letter.envelope?.type ?? null,
    attempt: letter.attempt,
    lastError: letter.reason,
    diedAt: letter.failedAt,
    foundIn: ['sqs'],
  };
}
