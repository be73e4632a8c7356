import { Hono } from 'hono';
import { TaskIdSchema } from '../tasks/task-envelope.js';
import type { ApiEnv, ApiRuntime } from './api-env.js';
import { NotFoundError } from './errors.js';
import { readJsonBody } from './read-json-body.js';
import { DeadListQuerySchema, parseRequest, ReplayRequestSchema } from './request-schemas.js';
import { deadTaskBody } from './response-bodies.js';

const DEFAULT_REPLAY_LIMIT = 100;

/**
 * `/dead`: list dead tasks from both stores (Redis unreachable → the SQS ones, flagged), and replay
 * them. Replays go through Redis, so while Redis is down they answer 503 rather than half-replaying.
 */
export function deadLetterRoutes(runtime: ApiRuntime): Hono<ApiEnv> {
  return new Hono<ApiEnv>()
    .get('/', async (c) => {
      const { limit } = parseRequest(DeadListQuerySchema, c.req.query(), 'invalid query');
      const { tasks, redisReachable } = await runtime.deadLetters.list(limit);
      return c.json({ tasks: tasks.map(deadTaskBody), redisReachable }, 200);
    })
    .post('/replay', async (c) => {
      const request = parseRequest(
        ReplayRequestSchema,
        (await readJsonBody(c.req.raw, { optional: true })) ?? {},
        'invalid replay request',
      );
      const limit = request.limit ?? request.ids?.length ?? DEFAULT_REPLAY_LIMIT;
      const replayed = await runtime.deadLetters.replay(request.ids, limit);
      return c.json({ replayed }, 200);
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
