import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasks } from '../../functions/tasks.js';
import { runCli } from '../../lib/cli/index.js';
import { createTandemClient } from '../../lib/client/index.js';
import { silentLogger } from '../../lib/observability/logger.js';
import { type LocalStack, startLocalStack } from '../../local/index.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// `tandem` against the local stack: every command, its output and its exit code. Most run in process
// through runCli (the same function the bin calls); a few run the bin itself, as a script would.

let redis: RedisServer;
let receiver: WebhookReceiver;
let stack: LocalStack;

beforeAll(async () => {
  redis = await startRedisServer();
  receiver = await startWebhookReceiver();
  stack = await startLocalStack({
    tasks,
    env: {
      PORT: '0',
      REDIS_URL: redis.url,
      RECONCILE_EVERY_MS: '300',
      TANDEM_HTTP_ALLOWED_HOSTS: '127.0.0.1',
      QUEUE_NAME: `cli-${randomBytes(4).toString('hex')}`,
    },
    logger: silentLogger,
    print: () => {},
    eventSource: { waitSeconds: 1 },
  });
});
afterAll(async () => {
  redis?.resume();
  await stack?.stop();
  await receiver?.close();
  await redis?.stop();
});

/** Runs `tandem <args>` in process; TANDEM_URL and TANDEM_TOKEN name the stack unless `env` says otherwise. */
async function tandem(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env: { TANDEM_URL: stack.url, TANDEM_TOKEN: stack.token, ...env },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

const client = () => createTandemClient({ url: stack.url, token: stack.token });
const stateOf = async (id: string) => (await client().getTask(id))?.state;

describe('tandem, against the local stack', () => {
  it('status: the live path, depths and states; --json for scripts', async () => {
    const human = await tandem(['status']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Live path {3}Redis$/m);
    expect(human.stdout).toMatch(/^Redis {7}ready \d+ · delayed \d+ · active \d+ · dead \d+/m);
    expect(human.stdout).toMatch(/^States {6}queued \d+ · scheduled \d+ .* cancelled \d+/m);
    expect(human.stdout).toMatch(/^SQS {9}tasks \d+ · dead letters \d+ · journal \d+$/m);
    const json = await tandem(['status', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ live: 'redis', health: { redis: { ok: true } } });
  });

  it('enqueue, tasks and show: a task from the command line, listed and shown', async () => {
    const enqueued = await tandem([
      'enqueue',
      'echo',
      '--payload',
      '{"message":"from the CLI"}',
      '--key',
      'cli-42',
    ]);
    expect(enqueued.code).toBe(0);
    const id = /^queued (\S+) via redis$/m.exec(enqueued.stdout)?.[1] as string;
    expect(id).toBeDefined();
    await waitFor(async () => (await stateOf(id)) === 'succeeded', 'the task to succeed');

    const listed = await tandem(['tasks', '--state', 'succeeded', '--limit', '5']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID +TYPE +STATE +VIA +ATTEMPTS +CREATED +LAST ERROR$/m);
    expect(listed.stdout).toMatch(new RegExp(`^${id} +echo +succeeded +redis +1/3 `, 'm'));
    const page = JSON.parse((await tandem(['tasks', '--json', '--search', 'from the CLI'])).stdout);
    expect(page.tasks.map((task: { id: string }) => task.id)).toEqual([id]);

    for (const key of [id, 'cli-42']) {
      const shown = await tandem(['show', key]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/^State {7}succeeded$/m);
      expect(shown.stdout).toContain('Payload     {"message":"from the CLI"}');
      expect(shown.stdout).toContain('Result      {"message":"from the CLI"}');
    }
    const delayed = await tandem(['enqueue', 'echo', '--payload', '{"message":"later"}', '--delay', '600']);
    expect(delayed.stdout).toMatch(/^scheduled \S+ via redis$/m);
  });

  it('dead and replay: why a task died, a dry run that replays nothing, and a replay that runs it', async () => {
    const path = receiver.path('cli-dead');
    receiver.answer(path, 400, { body: 'no such customer' });
    const { id } = await client().enqueue('http', { url: receiver.url(path) });
    await waitFor(async () => (await stateOf(id)) === 'dead', 'the webhook to be buried');

    const dead = await tandem(['dead']);
    expect(dead.code).toBe(0);
    expect(dead.stdout).toMatch(
      new RegExp(`^${id} +http +1 .* redis +UnrecoverableTaskError: http://127\\.0\\.0\\.1`, 'm'),
    );
    const dry = await tandem(['replay', '--all', '--type', 'http', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Would replay 1 dead task(s), 10 per second (dry run: nothing replayed).');
    expect(dry.stdout).toMatch(/^http +1$/m);
    expect(await stateOf(id)).toBe('dead');

    receiver.answer(path, 200);
    const replayed = await tandem(['replay', id]);
    expect(replayed).toMatchObject({ code: 0, stdout: `replayed ${id}\n` });
    await waitFor(async () => (await stateOf(id)) === 'succeeded', 'the replayed webhook to succeed');
    expect((await tandem(['replay', id])).code).toBe(6);
    const none = await tandem(['replay', '--all', '--dry-run']);
    expect(none.stdout).toContain('Would replay 0 dead task(s)');
  });

  it('watch: frames of the live path, depths and latest events', async () => {
    const watched = await tandem(['watch', '--count', '2', '--interval', '1']);
    expect(watched.code).toBe(0);
    expect(watched.stdout.match(/^Live path/gm)).toHaveLength(2);
    expect(watched.stdout.match(/^Latest events$/gm)).toHaveLength(2);
  });

  it('says plainly when Redis is away, and exits 0 while SQS accepts', async () => {
    redis.pause();
    try {
      await waitFor(
        async () => (await tandem(['status'])).stdout.includes('SQS (fallback)'),
        'status to see it',
        {
          timeoutMs: 5_000,
          intervalMs: 200,
        },
      );
      const status = await tandem(['status']);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(
        /^Live path {3}SQS \(fallback\): Redis unreachable since .+, accepting via SQS$/m,
      );
      expect(status.stdout).toMatch(/^Redis {7}unavailable$/m);
      const tasksWhileDown = await tandem(['tasks']);
      expect(tasksWhileDown.code).toBe(5);
      expect(tasksWhileDown.stderr).toMatch(
        /^tandem: redis cannot answer right now; try again later; try again in \d+ s\n$/,
      );
    } finally {
      redis.resume();
    }
    await waitFor(
      async () => (await tandem(['status'])).stdout.includes('Live path   Redis\n'),
      'Redis to be live again',
      {
        timeoutMs: 10_000,
        intervalMs: 200,
      },
    );
  });

  it('refuses bad command lines with exit 2, and says what is wrong', async () => {
    for (const [args, message] of [
      [['nope'], 'unknown command "nope"'],
      [['tasks', '--state', 'lost'], '--state must be one of'],
      [['tasks', '--colour'], "Unknown option '--colour'"],
      [['enqueue', 'echo', '--payload', '{bad'], '--payload is not valid JSON'],
      [['replay'], 'give one task id, or --all'],
      [['show'], 'expected 1 argument(s), got 0'],
    ] as const) {
      const result = await tandem([...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
    const missing = await runCli(['status'], {
      env: {},
      stdout: { write: () => true },
      stderr: { write: () => true },
    });
    expect(missing).toBe(2);
    const refused = await tandem(['enqueue', 'nope', '--payload', '{}']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('(HTTP 422)');
    expect((await tandem(['show', 'never-stored'])).code).toBe(6);
  });

  it('the bin: exit 0, a plain message and exit 3 for a wrong token, exit 4 for an unreachable API', async () => {
    const run = async (env: Record<string, string>, args: string[]) => {
      const child = spawn(process.execPath, ['bin/tandem.mjs', ...args], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number];
      return { code, stdout, stderr };
    };
    const ok = await run({ TANDEM_URL: stack.url, TANDEM_TOKEN: stack.token }, ['status']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Live path   Redis');
    const wrong = await run({ TANDEM_URL: stack.url, TANDEM_TOKEN: 'wrong-token-0123456789' }, ['dead']);
    expect(wrong).toMatchObject({ code: 3, stdout: '' });
    expect(wrong.stderr).toBe(
      `tandem: the API at ${stack.url} refused the token (check TANDEM_TOKEN or --token)\n`,
    );
    const away = await run({}, ['--url', 'http://127.0.0.1:9', '--token', 'any-token', 'status']);
    expect(away.code).toBe(4);
    expect(away.stderr).toMatch(/^tandem: cannot reach the Tandem API at http:\/\/127\.0\.0\.1:9: /);
  });
});
