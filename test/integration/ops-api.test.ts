import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiApp } from '../../lib/api/index.js';
import { defineTask } from '../../lib/tasks/define-task.js';
import { UnrecoverableTaskError } from '../../lib/tasks/errors.js';
import { plentyOfTime, receiveRecords } from '../support/sqs-records.js';
import {
  type HarnessRuntime,
  startTandemHarness,
  type TandemHarness,
  TEST_API_TOKEN,
} from '../support/tandem-harness.js';
import { waitFor } from '../support/wait-for.js';

// The operator's routes against real Redis (through the REST bridge) and fauxqs, on both paths: tasks
// stored in Redis, and tasks SQS took while Redis was paused (SIGSTOP), then reconciled.

const tasks = [
  defineTask({ type: 'noop', schema: z.object({ n: z.number() }), handler: async ({ n }) => ({ n }) }),
  defineTask({
    type: 'doomed',
    schema: z.object({ reason: z.string() }),
    handler: async ({ reason }) => {
      throw new UnrecoverableTaskError(reason);
    },
  }),
];

let harness: TandemHarness;
beforeAll(async () => {
  harness = await startTandemHarness();
});
afterAll(async () => {
  harness?.stack.server.resume();
  await harness?.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
type Answer = { status: number; body: any };

async function setup() {
  const runtime = await harness.runtime({
    tasks,
    env: { REDIS_TIMEOUT_MS: '150', BREAKER_COOLDOWN_MS: '300' },
  });
  const app = createApiApp(runtime);
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  const enqueue = async (task: unknown) => (await call('POST', '/tasks', task)).body;
  return { runtime, call, enqueue };
}

/** Runs what the SQS task queue holds, as the event source would. */
async function deliver(runtime: HarnessRuntime): Promise<void> {
  for (;;) {
    const records = await receiveRecords(runtime.adapters.sqs.tasks, 10, 0);
    if (records.length === 0) return;
    await runtime.consumeSqs(records, plentyOfTime);
  }
}

/** Pauses Redis around `work`; resumes it however `work` ends. */
async function duringOutage<T>(work: () => Promise<T>): Promise<T> {
  harness.stack.server.pause();
  try {
    return await work();
  } finally {
    harness.stack.server.resume();
  }
}

/** After a pause: waits until the breaker's probe reaches Redis again, then runs a reconciler pass. */
async function recover(runtime: HarnessRuntime, call: (method: string, path: string) => Promise<Answer>) {
  await waitFor(async () => (await call('GET', '/health')).body.redis.ok === true, 'Redis answering again', {
    timeoutMs: 10_000,
    intervalMs: 100,
  });
  await runtime.reconcile();
}

describe('GET /tasks on both paths', () => {
  it('lists tasks stored in Redis and tasks SQS took during an outage, newest first, page by page', async () => {
    const { runtime, call, enqueue } = await setup();
    const inRedis = [];
    for (let n = 0; n < 3; n += 1) inRedis.push(await enqueue({ type: 'noop', payload: { n } }));
    const inSqs = await duringOutage(async () => {
      const stored = [
        await enqueue({ type: 'noop', payload: { n: 10 }, idempotencyKey: 'order-10' }),
        await enqueue({ type: 'noop', payload: { n: 11 } }),
      ];
      await deliver(runtime); // run while Redis is down: outcomes go to the journal
      expect((await call('GET', '/tasks')).status).toBe(503);
      return stored;
    });
    expect(inRedis.map((receipt) => receipt.via)).toEqual(['redis', 'redis', 'redis']);
    expect(inSqs.map((receipt) => receipt.via)).toEqual(['sqs', 'sqs']);
    await recover(runtime, call);

    const seen: { id: string; via: string; state: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await call('GET', `/tasks?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.tasks.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.tasks);
      cursor = page.body.cursor;
    } while (cursor);
    const newestFirst = [...inRedis, ...inSqs].map((receipt) => receipt.id).reverse();
    expect(seen.map((task) => task.id)).toEqual(newestFirst);
    expect(seen.slice(0, 2).map((task) => [task.via, task.state])).toEqual([
      ['sqs', 'succeeded'],
      ['sqs', 'succeeded'],
    ]);

    const queued = await call('GET', '/tasks?state=queued&type=noop');
    expect(queued.body.tasks.map((task: { id: string }) => task.id).sort()).toEqual(
      inRedis.map((r) => r.id).sort(),
    );
    const byKey = await call('GET', '/tasks?idempotencyKey=order-10');
    expect(byKey.body.tasks).toEqual([
      expect.objectContaining({ id: inSqs[0].id, via: 'sqs', idempotencyKey: 'order-10' }),
    ]);
    const byText = await call('GET', `/tasks?q=${encodeURIComponent('"n":11')}`);
    expect(byText.body.tasks.map((task: { id: string }) => task.id)).toEqual([inSqs[1].id]);

    const queues = await call('GET', '/queues');
    expect(queues.body.redis.counts).toMatchObject({ queued: 3, succeeded: 2, dead: 0, cancelled: 0 });
  });

  it('answers 422 for a bad query, and reads nothing', async () => {
    const { call } = await setup();
    for (const query of ['limit=101', 'state=nope', 'cursor=not-a-cursor', 'colour=red']) {
      expect((await call('GET', `/tasks?${query}`)).status, query).toBe(422);
    }
  });
});

describe('GET /events: a timeline spanning an outage', () => {
  it('records the outage, the breaker and what SQS took, held while Redis was down and written after', async () => {
    const { runtime, call, enqueue } = await setup();
    const before = new Date(Date.now() - 1_000).toISOString();
    const startedAt = Date.now();
    await duringOutage(async () => {
      expect((await enqueue({ type: 'noop', payload: { n: 1 } })).via).toBe('sqs');
      expect((await enqueue({ type: 'noop', payload: { n: 2 } })).via).toBe('sqs');
      const health = await call('GET', '/health');
      expect(Date.parse(health.body.redis.unreachableSince)).toBeGreaterThanOrEqual(startedAt - 50);
      expect((await call('GET', '/events')).status).toBe(503); // the timeline lives in Redis
      await deliver(runtime);
    });
    await recover(runtime, call);

    const { body } = await call('GET', `/events?since=${before}`);
    const kinds = body.events.map((event: { kind: string }) => event.kind);
    expect(kinds).toEqual(expect.arrayContaining(['breaker', 'outage', 'journal-replayed']));
    const outage = body.events.find((event: { kind: string }) => event.kind === 'outage');
    expect(Date.parse(outage.startedAt)).toBeLessThan(Date.parse(outage.endedAt));
    expect(Date.parse(outage.startedAt)).toBeGreaterThanOrEqual(startedAt - 50);
    expect(outage).toMatchObject({ tasksViaSqs: 2, unavailable: 0, source: expect.any(String) });
    expect(
      body.events
        .filter((event: { kind: string }) => event.kind === 'breaker')
        .map((e: { to: string }) => e.to),
    ).toEqual(['open', 'closed']);
    expect((await call('GET', '/health')).body.redis.unreachableSince).toBeUndefined();

    // A cursor continues after the last event: nothing new, until something happens.
    expect((await call('GET', `/events?cursor=${body.cursor}`)).body).toEqual({
      events: [],
      cursor: body.cursor,
    });
    const samples = await call('GET', `/queues/history?since=${before}`);
    expect(samples.body.samples.at(-1)).toMatchObject({ kind: 'depths', redis: { ready: { depth: 0 } } });
  });
});

describe('POST /dead/replay?dryRun=true on both paths', () => {
  it('counts dead tasks of both stores by type and error, replays nothing; then replays them, paced', async () => {
    const { runtime, call, enqueue } = await setup();
    for (let n = 0; n < 3; n += 1) await enqueue({ type: 'doomed', payload: { reason: `HTTP 503 #${n}` } });
    await runtime.drain(plentyOfTime);
    const viaSqs = await duringOutage(async () => {
      const receipt = await enqueue({ type: 'doomed', payload: { reason: 'mailbox full' } });
      await deliver(runtime); // dead while Redis is down: the SQS dead-letter queue has it
      const preview = await call('POST', '/dead/replay?dryRun=true', {});
      expect(preview.body).toMatchObject({
        dryRun: true,
        count: 1,
        redisReachable: false,
        foundIn: { sqs: 1 },
      });
      expect((await call('POST', '/dead/replay', {})).status).toBe(503);
      return receipt;
    });
    await recover(runtime, call);

    const dry = await call('POST', '/dead/replay?dryRun=true', { perSecond: 2, limit: 100 });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      count: 4,
      byType: { doomed: 4 },
      replayed: [],
      redisReachable: true,
    });
    expect(dry.body.foundIn).toEqual({ redis: 4, sqs: 1 });
    expect(dry.body.byError).toContainEqual({ error: 'UnrecoverableTaskError: mailbox full', count: 1 });
    expect((await call('GET', '/dead')).body.tasks).toHaveLength(4);
    const filtered = await call('POST', '/dead/replay?dryRun=true', { error: 'http 503', limit: 100 });
    expect(filtered.body.count).toBe(3);

    const started = Date.now();
    const replay = await call('POST', '/dead/replay', { perSecond: 2, limit: 100 });
    expect(replay.body.replayed).toHaveLength(4);
    expect(replay.body.replayed).toContain(viaSqs.id);
    // Two a second: the fourth starts about 1.5 s from now.
    expect(Date.parse(replay.body.lastStartAt) - started).toBeGreaterThanOrEqual(1_400);
    const states = await Promise.all(
      replay.body.replayed.map(async (id: string) => (await call('GET', `/tasks/${id}`)).body.state),
    );
    expect(states.filter((state) => state === 'queued').length).toBeGreaterThanOrEqual(1);
    expect(states.filter((state) => state === 'scheduled').length).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/dead')).body.tasks).toEqual([]);
    const { messages } = await harness.sqs.inspect(runtime.queueUrls.deadLetterQueueUrl);
    expect(messages.ready.length + messages.inflight.length).toBe(0);
    const events = await call('GET', '/events');
    expect(events.body.events.find((event: { kind: string }) => event.kind === 'replayed')).toMatchObject({
      tasks: 4,
      bulk: true,
    });
  });
});
