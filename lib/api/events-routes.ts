import { Hono } from 'hono';
import type { ApiEnv, ApiRuntime } from './api-env.js';
import { EventsQuerySchema, HistoryQuerySchema, lastHour } from './ops-request-schemas.js';
import { opsRecordBody } from './ops-response-bodies.js';
import { parseRequest } from './request-schemas.js';

/**
 * `GET /events`: the operations timeline every container writes (breaker, failovers per minute, outages,
 * journal replays, reaps, dead-letterings, replays), in the order stored; `cursor` continues after the
 * last one. `GET /queues/history`: the depth samples of the reconciler's passes, for charts.
 */
export function eventsRoutes(runtime: ApiRuntime): Hono<ApiEnv> {
  return new Hono<ApiEnv>()
    .get('/events', async (c) => {
      const query = parseRequest(EventsQuerySchema, c.req.query(), 'invalid events query');
      const from = query.cursor
        ? { afterEntry: query.cursor }
        : { since: query.since ?? lastHour(Date.now()) };
      const records = await runtime.ops.events(from, query.limit);
      const cursor = records.at(-1)?.entryId ?? query.cursor ?? null;
      return c.json({ events: records.map(opsRecordBody), cursor }, 200);
    })
    .get('/queues/history', async (c) => {
      const query = parseRequest(HistoryQuerySchema, c.req.query(), 'invalid history query');
      const records = await runtime.ops.samples(query.since ?? lastHour(Date.now()), query.limit);
      return c.json({ samples: records.map(opsRecordBody) }, 200);
    });
}
