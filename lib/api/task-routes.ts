import { Hono } from 'hono';
import { TaskIdSchema } from '../tasks/task-envelope.js';
import type { ApiEnv, ApiRuntime } from './api-env.js';
import { ConflictError, NotFoundError } from './errors.js';
import { readJsonBody } from './read-json-body.js';
import { BatchRequestSchema, parseRequest } from './request-schemas.js';
import { receiptBody, taskStatusBody } from './response-bodies.js';

/**
 * `/tasks`: enqueue one or a batch (202 only once Redis or SQS stored them), read a status, cancel.
 * Validation errors, outages and the like are thrown and mapped to JSON in one place.
 */
export function taskRoutes(runtime: ApiRuntime): Hono<ApiEnv> {
  return new Hono<ApiEnv>()
    .post('/', async (c) => {
      const body = await readJsonBody(c.req.raw);
      const receipt = await runtime.enqueue(body, c.var.traceId);
      return c.json(receiptBody(receipt), 202);
    })
    .post('/batch', async (c) => {
      const { tasks } = parseRequest(BatchRequestSchema, await readJsonBody(c.req.raw), 'invalid batch');
      const results = await runtime.enqueueBatch(tasks, c.var.traceId);
      return c.json({ results: results.map((item) => ('error' in item ? item : receiptBody(item))) }, 202);
    })
    .get('/:id', async (c) => {
      const id = knownIdOr404(c.req.param('id'));
      const status = await runtime.status(id);
      if (status === null) throw unknownTask(id);
      return c.json(taskStatusBody(status), 200);
    })
    .delete('/:id', async (c) => {
      const id = knownIdOr404(c.req.param('id'));
      const outcome = await runtime.cancel(id);
      switch (outcome) {
        case 'cancelled':
          return c.json({ id, state: 'cancelled' as const }, 200);
        case 'not_found':
          throw unknownTask(id);
        case 'running':
          throw new ConflictError(`task ${id} is running and cannot be cancelled`);
        case 'finished':
          throw new ConflictError(`task ${id} has already finished (succeeded, dead or cancelled)`);
      }
    });
}

/** An id no task can have is simply unknown; checking it first keeps odd strings away from Redis keys. */
function knownIdOr404(id: string): string {
  if (!TaskIdSchema.safeParse(id).success) throw unknownTask(id);
  return id;
}

function unknownTask(id: string): NotFoundError {
  return new NotFoundError(`no task with id ${JSON.stringify(id.slice(0, 128))}`);
}
