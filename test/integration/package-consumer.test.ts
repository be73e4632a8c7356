import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../support/api-gateway-event.js';
import { readZip } from '../support/read-zip.js';
import { type RedisStack, startRedisStack } from '../support/redis-stack.js';
import {
  createTandemQueues,
  type SqsEmulator,
  startSqsEmulator,
  type TandemQueues,
} from '../support/sqs-emulator.js';
import { receiveRecords } from '../support/sqs-records.js';
import { runtimeFromEnv } from '../support/tandem-harness.js';
import { withoutAwsCredentials } from '../support/without-aws-credentials.js';

/**
 * Tandem as another team gets it: `npm pack`, then examples/basic copied into a fresh directory, installed
 * from the tarball, type-checked, packaged by osls offline, and its own handlers run against real Redis
 * (behind the REST bridge) and the SQS emulator, each in a process of its own with the environment its
 * function has in the packaged template. Slow: it builds, installs and packages.
 */
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'basic');
const FUNCTIONS = ['signup', 'consume', 'reconcile'] as const;
// Generous: each step compiles, installs or starts processes; the bounds only catch a step that hangs.
const SETUP_TIMEOUT_MS = 300_000;
const TEST_TIMEOUT_MS = 120_000;
// The example's handlers run from its TypeScript sources; the package itself is the built JavaScript.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;

// Calls one export of a module as Lambda calls a handler, `(event, context)`, and prints the outcome last.
const CALL_SCRIPT = [
  "import { resolve } from 'node:path';",
  "import { pathToFileURL } from 'node:url';",
  'const [file, exportPath, event] = process.argv.slice(2);',
  'const module = await import(pathToFileURL(resolve(file)).href);',
  "const target = exportPath.split('.').reduce((value, key) => value[key], module);",
  'const context = { getRemainingTimeInMillis: () => 30_000 };',
  'let outcome;',
  'try { outcome = { ok: true, result: await target(JSON.parse(event), context) }; }',
  'catch (error) { outcome = { ok: false, name: error.name, message: error.message }; }',
  'process.stdout.write("\\nOUTCOME " + JSON.stringify(outcome) + "\\n");',
].join('\n');

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}

interface FunctionResource {
  Type: string;
  Properties: {
    FunctionName: string;
    Runtime: string;
    Architectures: string[];
    Environment: { Variables: Record<string, unknown> };
  };
}

let work = '';
let app = '';
let packed: PackResult;
let template: { Resources: Record<string, FunctionResource> };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tandem-consumer-'));
  app = join(work, 'app');
  // `prepack` builds dist/ first; npm prints the scripts' output on stderr and the JSON on stdout.
  const pack = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  [packed] = JSON.parse(pack.stdout) as [PackResult];

  await cp(EXAMPLE, app, {
    recursive: true,
    filter: (path) =>
      !relative(EXAMPLE, path)
        .split(sep)
        .some((part) => ['node_modules', '.serverless', '.esbuild', 'package-lock.json'].includes(part)),
  });
  const manifest = JSON.parse(await readFile(join(app, 'package.json'), 'utf8'));
  manifest.dependencies.tandem = `file:${join(work, packed.filename)}`;
  await writeFile(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: app,
    maxBuffer: 16 * 1024 * 1024,
  });

  await run('npx', ['osls', 'package', '--stage', 'dev', '--package', join(work, 'build')], {
    cwd: app,
    env: withoutAwsCredentials(),
    maxBuffer: 16 * 1024 * 1024,
  });
  template = JSON.parse(
    await readFile(join(work, 'build', 'cloudformation-template-update-stack.json'), 'utf8'),
  );
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const functionResource = (name: (typeof FUNCTIONS)[number]): FunctionResource => {
  const found = template.Resources[`${name[0]?.toUpperCase()}${name.slice(1)}LambdaFunction`];
  if (!found) throw new Error(`no function ${name} in the example's template`);
  return found;
};

/** Runs a command in the example project; resolves with its exit code and output, never rejects on failure. */
async function inApp(command: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: app, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('npm pack', () => {
  it('ships the built package, the CLI launcher and the README, not the sources, tests or tooling', () => {
    const paths = packed.files.map((file) => file.path);
    for (const path of paths) {
      expect(path).toMatch(/^(dist\/.+\.(js|d\.ts)|bin\/tandem\.mjs|README\.md|package\.json)$/);
    }
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.d.ts',
        'dist/cli/index.js',
        'bin/tandem.mjs',
        'package.json',
      ]),
    );
  });

  it('holds every file its exports name', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>;
    };
    // The client entry is written elsewhere; it is held to the same rule as soon as its source exists.
    const entries = existsSync(join(ROOT, 'lib', 'client', 'index.ts')) ? ['.', './client'] : ['.'];
    const paths = new Set(packed.files.map((file) => file.path));
    for (const entry of entries) {
      const target = manifest.exports[entry];
      const files = typeof target === 'string' ? [target] : Object.values(target ?? {});
      expect(files.length, entry).toBeGreaterThan(0);
      for (const file of files) expect(paths, `${entry} → ${file}`).toContain(file.replace(/^\.\//, ''));
    }
  });
});

describe('a fresh project that installs the tarball', { timeout: TEST_TIMEOUT_MS }, () => {
  it('gets the runtime dependencies, and none of the repository’s own tooling', async () => {
    const { code, output } = await inApp('npm', ['ls', '--omit=dev', '--all', '--parseable']);
    expect(code, output).toBe(0);
    const installed = output
      .split('\n')
      .filter((line) => line.includes('node_modules'))
      .map((line) => line.slice(line.lastIndexOf('node_modules') + 'node_modules/'.length));
    expect(installed).toEqual(
      expect.arrayContaining(['tandem', 'zod', '@upstash/redis', '@aws-sdk/client-sqs']),
    );
    for (const tool of [
      'fauxqs',
      '@hono/node-server',
      'ioredis',
      'tsx',
      'vitest',
      'bullmq',
      '@biomejs/biome',
    ]) {
      expect(installed).not.toContain(tool);
    }
  });

  it('type-checks', async () => {
    const { code, output } = await inApp('npx', ['tsc', '--noEmit']);
    expect(code, output).toBe(0);
  });

  it('type-checks with the package’s own declarations checked too (skipLibCheck off)', async () => {
    const { code, output } = await inApp('npx', ['tsc', '--noEmit', '--skipLibCheck', 'false']);
    expect(code, output).toBe(0);
  });

  it('refuses to compile a wrong payload: the lines under each @ts-expect-error fail without it', async () => {
    const source = await readFile(join(app, 'src', 'type-errors.ts'), 'utf8');
    const directives = source.match(/\/\/ @ts-expect-error/g) ?? [];
    expect(directives.length).toBeGreaterThanOrEqual(3);
    const unguarded = join(app, 'src', 'wrong-payloads.ts');
    await writeFile(unguarded, source.replace(/^\s*\/\/ @ts-expect-error.*\n/gm, ''));
    try {
      const { code, output } = await inApp('npx', ['tsc', '--noEmit']);
      expect(code).not.toBe(0);
      const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
      expect(errors).toHaveLength(directives.length);
      for (const line of errors) expect(line).toMatch(/^src\/wrong-payloads\.ts\(\d+,\d+\)/);
      expect(output).toContain("Type 'number' is not assignable to type 'string'");
      expect(output).toContain("Property 'userId' is missing");
      expect(output).toContain("'locale' does not exist");
    } finally {
      await rm(unguarded, { force: true });
    }
  });

  it('packages offline with osls: one bundle per function, Node.js 22 on arm64', () => {
    for (const name of FUNCTIONS) {
      const { Properties } = functionResource(name);
      expect(Properties.Runtime, name).toBe('nodejs22.x');
      expect(Properties.Architectures, name).toEqual(['arm64']);
      const bundle = readZip(join(work, 'build', `${name}.zip`)).get(`src/${name}.mjs`);
      expect(bundle?.length, name).toBeGreaterThan(0);
    }
  });
});

describe('the example’s own handlers, on real Redis and SQS', { timeout: TEST_TIMEOUT_MS }, () => {
  let stack: RedisStack;
  let sqs: SqsEmulator;
  let localValues: Record<string, string>;
  let queues: TandemQueues;

  beforeAll(async () => {
    stack = await startRedisStack();
    sqs = await startSqsEmulator();
    queues = await createTandemQueues(sqs, 'basic');
    await writeFile(join(work, 'call.mjs'), CALL_SCRIPT);
    localValues = {
      // What SSM and the queue references resolve to when deployed.
      UPSTASH_REDIS_REST_URL: stack.bridge.url,
      UPSTASH_REDIS_REST_TOKEN: stack.bridge.token,
      TANDEM_API_TOKENS: `consumer-${randomBytes(12).toString('hex')}`,
      TANDEM_SIGNING_SECRET: `consumer-${randomBytes(12).toString('hex')}`,
      TASK_QUEUE_URL: queues.taskQueueUrl,
      DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
      JOURNAL_QUEUE_URL: queues.journalQueueUrl,
    };
  });
  afterAll(async () => {
    await Promise.allSettled([stack?.stop(), sqs?.stop()]);
  });

  /**
   * The environment of a function as the packaged template declares it: literal values as they are, the
   * SSM and queue references replaced by their local values. Then what Lambda adds itself (region,
   * credentials, function name), where the local SQS listens, and one deviation: each call
   * is a cold process on a shared test machine, where the first Redis call (Node's fetch loading, the
   * scripts loading) can overrun the default 150 ms deadline and fail over to SQS, as designed; these
   * tests are about the Redis path, so Redis gets 2 s.
   */
  function lambdaEnv(name: (typeof FUNCTIONS)[number]): Record<string, string> {
    const { FunctionName, Environment } = functionResource(name).Properties;
    const declared = Object.entries(Environment.Variables).map(([variable, value]) => {
      if (typeof value === 'string' && !value.startsWith('{{resolve:')) return [variable, value];
      const local = localValues[variable];
      if (local === undefined)
        throw new Error(`${name}: no local value for ${variable}: ${JSON.stringify(value)}`);
      return [variable, local];
    });
    return {
      ...Object.fromEntries(declared),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: 'test',
      AWS_LAMBDA_FUNCTION_NAME: FunctionName,
      REDIS_TIMEOUT_MS: '2000',
      SQS_ENDPOINT: sqs.endpoint,
      PATH: process.env.PATH ?? '',
    };
  }

  /**
   * Calls `exportPath` of `file` in the example, in a process of its own, as Lambda calls a handler:
   * `(event, context)`. Resolves with what it returned or threw.
   */
  async function call(name: (typeof FUNCTIONS)[number], file: string, exportPath: string, event: unknown) {
    const { stdout } = await run(
      process.execPath,
      ['--import', TSX, join(work, 'call.mjs'), file, exportPath, JSON.stringify(event)],
      { cwd: app, env: lambdaEnv(name), timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const line = stdout.split('\n').find((text) => text.startsWith('OUTCOME '));
    if (!line) throw new Error(`no outcome from ${file} ${exportPath}: ${stdout}`);
    const outcome = JSON.parse(line.slice('OUTCOME '.length)) as
      | { ok: true; result: unknown }
      | { ok: false; name: string; message: string };
    if (!outcome.ok) throw new Error(`${file} ${exportPath} threw ${outcome.name}: ${outcome.message}`);
    return outcome.result;
  }

  // Inspection only, over the same queues: the repository's own runtime, not the example's.
  let inspecting: ReturnType<typeof runtimeFromEnv> | undefined;
  const inspector = () => {
    inspecting ??= runtimeFromEnv(sqs.endpoint, lambdaEnv('signup'), queues);
    return inspecting;
  };

  const signup = (body: unknown) =>
    call(
      'signup',
      'src/signup.ts',
      'handler',
      apiGatewayEvent({ method: 'POST', path: '/signup', body }),
    ) as Promise<{
      statusCode: number;
      body: string;
    }>;
  // The status as the example's own Tandem reads it, from a process of the signup function.
  const status = (id: string) => call('signup', 'src/tandem.ts', 'tandem.getTask', id);

  it('signup enqueues a typed task and wakes consume, which runs it', async () => {
    const userId = `u_${randomBytes(4).toString('hex')}`;

    const answer = await signup({ userId });

    expect(answer.statusCode, answer.body).toBe(202);
    const { taskId } = JSON.parse(answer.body) as { taskId: string };
    expect(await status(taskId)).toMatchObject({
      id: taskId,
      type: 'send-welcome',
      state: 'queued',
      via: 'redis',
      attempt: 0,
    });
    // The wake-up is a message on the task queue; the event source mapping hands it to consume.
    const wakes = await receiveRecords(inspector().adapters.sqs.tasks, 10, 5);
    expect(wakes.map((record) => JSON.parse(record.body))).toEqual([
      { tandem: 'wake', dueAt: expect.any(Number) },
    ]);

    const drained = await call('consume', 'src/consume.ts', 'handler', { Records: wakes });

    expect(drained).toEqual({ batchItemFailures: [] });
    expect(await status(taskId)).toMatchObject({
      state: 'succeeded',
      attempt: 1,
      result: { welcomed: userId },
    });
  });

  it('signup sends one welcome per user, however often it is retried', async () => {
    const userId = `u_${randomBytes(4).toString('hex')}`;
    const first = await signup({ userId });
    const again = await signup({ userId });
    expect([first.statusCode, again.statusCode]).toEqual([202, 202]);
    expect(JSON.parse(again.body)).toEqual(JSON.parse(first.body));
  });

  it('signup answers 400 to bad input and enqueues nothing', async () => {
    const ready = async () => {
      const overview = await inspector().queues();
      if (!overview.redis.available) throw new Error(`Redis unavailable: ${overview.redis.error}`);
      return overview.redis.ready.depth;
    };
    const before = await ready();
    const onQueue = async () => {
      const counts = await inspector().adapters.sqs.tasks.counts();
      return counts.visible + counts.inFlight + counts.delayed;
    };
    const messagesBefore = await onQueue();

    for (const body of ['not json', { userId: 42 }, { name: 'no id' }]) {
      const answer = await signup(body);
      expect(answer.statusCode, JSON.stringify(body)).toBe(400);
    }

    expect(await ready()).toBe(before);
    expect(await onQueue()).toBe(messagesBefore);
  });
});
