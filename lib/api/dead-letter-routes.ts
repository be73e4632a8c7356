import { Hono } from 'hono';
import { TaskIdSchema } from '../tasks/task-envelope.js';
import type { ApiEnv, ApiRuntime } from './api-env.js';
import { NotFoundError } from './errors.js';
import { BulkReplayBodySchema, ReplayQuerySchema } from './ops-request-schemas.js';
import { bulkReplayBody } from './ops-response-bodies.js';
import { readJsonBody } from './read-json-body.js';
import { DeadListQuerySchema, parseRequest } from './request-schemas.js';
import { deadTaskBody } from './response-bodies.js';

const DEFAULT_REPLAY_LIMIT = 100;
/** Replayed tasks that start per second, by default: gentle on a webhook target. */
const DEFAULT_REPLAY_RATE = 10;

/**
 * `/dead`: list dead tasks from both stores (Redis unreachable → the SQS ones, flagged), and replay
 * them: one, or in bulk by filter, paced, with a dry run (`?dryRun=true`) that counts and replays
 * nothing. Replays go through Redis, so while Redis is down they answer 503 rather than half-replaying.
 */
export function deadLetterRoutes(runtime: ApiRuntime): Hono<ApiEnv> {
  return new Hono<ApiEnv>()
    .get('/', async (c) => {
      const { limit } = parseRequest(DeadListQuerySchema, c.req.query(), 'invalid query');
      const { tasks, redisReachable } = await runtime.deadLetters.list(limit);
      return c.json({ tasks: tasks.map(deadTaskBody), redisReachable }, 200);
    })
    .post('/replay', async (c) => {
      const { dryRun } = parseRequest(ReplayQuerySchema, c.req.query(), 'invalid replay query');
      const body = parseRequest(
        BulkReplayBodySchema,
        (await readJsonBody(c.req.raw, { optional: true })) ?? {},
        'invalid replay request',
      );
      const { ids, type, error, from, to } = body;
      const result = await runtime.ops.replayDead({
        filter: {
          ...(ids !== undefined && { ids }),
          ...(type !== undefined && { type }),
          ...(error !== undefined && { error }),
          ...(from !== undefined && { from: Date.parse(from) }),
          ...(to !== undefined && { to: Date.parse(to) }),
        },
        limit: body.limit ?? ids?.length ?? DEFAULT_REPLAY_LIMIT,
        perSecond: body.perSecond ?? DEFAULT_REPLAY_RATE,
        dryRun,
      });
      return c.json(bulkReplayBody(result), 200);
    })
    .post('/:id/replay', async (c) => {
      const id = c.req.param('id');
      const notDead = new NotFoundError(`no dead task with id ${JSON.stringify(id.slice(0, 128))}`);
      if (!TaskIdSchema.safeParse(id).success) throw notDead;
      const replayed = await runtime.deadLetters.replay([id], 1);
      if (replayed.length === 0) throw notDead;
      return c.json({ replayed }, 200);
    });
}
