import { Hono } from 'hono';
import type { ApiEnv, ApiRuntime } from './api-env.js';
import { TaskListQuerySchema } from './ops-request-schemas.js';
import { taskPageBody } from './ops-response-bodies.js';
import { parseRequest } from './request-schemas.js';
import { taskStatusBody } from './response-bodies.js';

/**
 * `GET /tasks`: the listing, newest first, by state, type and payload text, a page at a time with a
 * cursor; or the one task stored under an idempotency key. Tasks of both paths are listed once Redis
 * knows them (a task accepted via SQS during an outage, once it ran or the journal was written back).
 */
export function taskListRoutes(runtime: ApiRuntime): Hono<ApiEnv> {
  return new Hono<ApiEnv>().get('/', async (c) => {
    const query = parseRequest(TaskListQuerySchema, c.req.query(), 'invalid task listing query');
    const { state, type } = query;
    if (query.idempotencyKey !== undefined) {
      const task = await runtime.ops.findByIdempotencyKey(query.idempotencyKey);
      const matches = task !== null && (!state || task.state === state) && (!type || task.type === type);
      return c.json({ tasks: matches ? [taskStatusBody(task)] : [], cursor: null }, 200);
    }
    const page = await runtime.ops.listTasks({
      limit: query.limit,
      ...(query.cursor !== undefined && { after: query.cursor }),
      ...(state !== undefined && { state }),
      ...(type !== undefined && { type }),
      ...(query.q !== undefined && { text: query.q }),
    });
    return c.json(taskPageBody(page), 200);
  });
}
