import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfflineService, startOfflineService } from '../support/offline-service.js';
import { receiveRecords } from '../support/sqs-records.js';
import {
  type HarnessRuntime,
  startTandemHarness,
  type TandemHarness,
  TEST_API_TOKEN,
} from '../support/tandem-harness.js';

/**
 * The deploy artifact, run: the zips `npm run package` builds, served by serverless-offline as Lambda
 * would run them (their own bundled code, the packaged handlers, names and routes), against real Redis
 * behind the REST bridge and fauxqs. Only what AWS resolves at deploy time (SSM, the queues' Refs) is
 * filled in locally. A wake-up is a message on the task queue: the test hands it to the consume zip
 * through the emulator's Invoke API, as the event source mapping would.
 */
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

let build = '';
let harness: TandemHarness;
let offline: OfflineService;
let runtime: HarnessRuntime;

beforeAll(async () => {
  build = await mkdtemp(join(tmpdir(), 'tandem-offline-package-'));
  await run('npm', ['run', 'package', '--', '--package', build], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  harness = await startTandemHarness();
  runtime = await harness.runtime();
  offline = await startOfflineService({ buildDir: build, environment: runtime.env, root: ROOT });
}, 180_000);

afterAll(async () => {
  await offline?.stop();
  await harness?.stop();
  if (build) await rm(build, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${offline.httpUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${TEST_API_TOKEN}`,
      'content-type': 'application/json',
      ...init.headers,
    },
    signal: AbortSignal.timeout(20_000),
  });

/** Reads the task until `done` holds for it or 20 s pass: the wake-up and the drain take their own time. */
async function waitForTask(id: string, done: (task: Record<string, unknown>) => boolean) {
  const deadline = Date.now() + 20_000;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    const response = await api(`/tasks/${id}`);
    last = (await response.json()) as Record<string, unknown>;
    if (response.status === 200 && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `task ${id} never got there; last answer ${JSON.stringify(last)}\n${offline.output().slice(-3000)}`,
  );
}

describe('the packaged zips in serverless-offline', () => {
  it('answers GET /health through the api zip, both paths up', async () => {
    const response = await api('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ redis: { ok: true }, sqs: { ok: true } });
  });

  it('stores a task (POST /tasks), wakes consume from its zip, and shows the result (GET /tasks/{id})', async () => {
    const response = await api('/tasks', {
      method: 'POST',
      body: JSON.stringify({ type: 'echo', payload: { message: 'from the zips' } }),
    });
    expect(response.status).toBe(202);
    const receipt = (await response.json()) as { id: string; via: string };
    expect(receipt.via).toBe('redis');

    // The wake-up the enqueue sent, delivered to the consume zip as its SQS event source would.
    const wakes = await receiveRecords(runtime.adapters.sqs.tasks, 10, 5);
    expect(wakes.map((record) => JSON.parse(record.body).tandem)).toEqual(['wake']);
    const invoked = await fetch(`${offline.lambdaUrl}/2015-03-31/functions/tandem-dev-consume/invocations`, {
      method: 'POST',
      body: JSON.stringify({ Records: wakes }),
      signal: AbortSignal.timeout(20_000),
    });
    expect(await invoked.json()).toEqual({ batchItemFailures: [] });

    const task = await waitForTask(receipt.id, (answer) => answer.state === 'succeeded');
    expect(task).toMatchObject({ state: 'succeeded', result: { message: 'from the zips' } });
  });

  it('refuses a bad payload with the issues in English (the bundle carries zod/mini and its locale)', async () => {
    const response = await api('/tasks', {
      method: 'POST',
      body: JSON.stringify({ type: 'echo', payload: { message: 5 } }),
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      error: {
        code: 'invalid_task',
        issues: [
          {
            path: ['payload', 'message'],
            code: 'invalid_type',
            message: 'Invalid input: expected string, received number',
          },
        ],
      },
    });
  });
});
