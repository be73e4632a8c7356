import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasks as deploymentTasks } from '../../functions/tasks.js';
import { WAKE_EVENT } from '../../lib/handlers/consume-handler.js';
import { RESEND_AFTER_RECEIVES } from '../../lib/runner/defer-over-limit.js';
import { ScheduleInputSchema } from '../../lib/triggers/index.js';
import { apiGatewayEvent } from '../support/api-gateway-event.js';
import { scheduledEvent } from '../support/lambda-events.js';
import { readZip } from '../support/read-zip.js';
import { startTandemHarness, type TandemHarness } from '../support/tandem-harness.js';
import { withoutAwsCredentials } from '../support/without-aws-credentials.js';

/**
 * `npm run package` as a developer runs it: offline, with no AWS credentials in reach. The template it
 * writes is the deployment, so the assertions read it rather than serverless.yml. It writes into a
 * directory of its own, so a developer's `.serverless/` is neither needed nor overwritten.
 */
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
let BUILD = '';
const FUNCTIONS = ['api', 'consume', 'reconcile', 'schedule', 'events'] as const;

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  NotAction?: unknown;
  NotResource?: unknown;
}

interface FunctionProperties {
  FunctionName: string;
  Runtime: string;
  Architectures: string[];
  Timeout: number;
  ReservedConcurrentExecutions?: number;
  Environment: { Variables: Record<string, unknown> };
}

interface RuleProperties {
  ScheduleExpression?: string;
  Targets: {
    Arn: unknown;
    InputTransformer?: { InputTemplate: string; InputPathsMap?: Record<string, string> };
  }[];
}
let resources: Record<string, Resource>;
let packagingMs = 0;

beforeAll(async () => {
  BUILD = await mkdtemp(join(tmpdir(), 'tandem-package-'));
  const started = performance.now();
  await run('npm', ['run', 'package', '--', '--package', BUILD], {
    cwd: ROOT,
    env: withoutAwsCredentials(),
    maxBuffer: 16 * 1024 * 1024,
  });
  packagingMs = performance.now() - started;
  const template = JSON.parse(
    await readFile(join(BUILD, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as { Resources: Record<string, Resource> };
  resources = template.Resources;
}, 240_000);
afterAll(async () => {
  if (BUILD) await rm(BUILD, { recursive: true, force: true });
});

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const resource = (name: string): Resource => {
  const found = resources[name];
  if (!found) throw new Error(`no resource ${name} in the template`);
  return found;
};
const logicalId = (name: (typeof FUNCTIONS)[number]) =>
  `${name[0]?.toUpperCase()}${name.slice(1)}LambdaFunction`;
const functionProperties = (name: (typeof FUNCTIONS)[number]) =>
  resource(logicalId(name)).Properties as unknown as FunctionProperties;
const actionsOf = (statement: Statement) => [statement.Action].flat();
const resourcesOf = (statement: Statement) => [statement.Resource].flat();
/** Every IAM statement the template grants, inline role policies and stand-alone policies alike. */
const statements = (): Statement[] => [
  ...ofType('AWS::IAM::Role').flatMap(([, role]) =>
    ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    ),
  ),
  ...ofType('AWS::IAM::Policy').flatMap(
    ([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  ),
];
const ruleTargeting = (functionName: (typeof FUNCTIONS)[number]) =>
  ofType('AWS::Events::Rule')
    .map(([, rule]) => rule.Properties as unknown as RuleProperties)
    .find((rule) => JSON.stringify(rule.Targets).includes(`"${logicalId(functionName)}"`));

/** The asynchronous-invoke settings of a function (retries of an event it failed). */
const functionEventInvokeConfig = (functionName: (typeof FUNCTIONS)[number]) =>
  ofType('AWS::Lambda::EventInvokeConfig')
    .map(([, config]) => config.Properties)
    .find((properties) => JSON.stringify(properties).includes(logicalId(functionName)));

describe('npm run package', () => {
  it('builds offline, without credentials, in reasonable time', () => {
    // Generous: the bound is there to catch a step that waits on the network until it times out.
    expect(packagingMs).toBeLessThan(120_000);
  });

  it('gives every function nodejs22.x or newer, on arm64', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([name]) => name).sort()).toEqual(FUNCTIONS.map(logicalId).sort());
    for (const [name, fn] of functions) {
      const properties = fn.Properties as unknown as FunctionProperties;
      const version = /^nodejs(\d+)\.x$/.exec(properties.Runtime)?.[1];
      expect(Number(version), name).toBeGreaterThanOrEqual(22);
      expect(properties.Architectures, name).toEqual(['arm64']);
    }
  });

  it('routes every API path to the api function, the dashboard and the operator routes included', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
    for (const key of [
      'POST /tasks',
      'GET /tasks',
      'GET /tasks/{id}',
      'GET /events',
      'GET /queues/history',
      'POST /dead/replay',
      'GET /dashboard',
      'GET /dashboard/{file}',
    ]) {
      expect(routes, key).toContain(key);
    }
  });

  it('redrives the task queue to the dead-letter queue', () => {
    const redrive = resource('TaskQueue').Properties.RedrivePolicy as Record<string, unknown>;
    expect(redrive.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] });
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);
    // A record over its limit comes back without failing; it is re-sent long before the redrive takes it.
    expect(redrive.maxReceiveCount).toBeGreaterThan(2 * RESEND_AFTER_RECEIVES);
    expect(resource('DeadLetterQueue').Type).toBe('AWS::SQS::Queue');
    expect(resource('JournalQueue').Type).toBe('AWS::SQS::Queue');
  });

  it('keeps the task queue visibility timeout at least 6 × the consume timeout', () => {
    const timeout = functionProperties('consume').Timeout;
    expect(Number(resource('TaskQueue').Properties.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('feeds the task queue to consume with ReportBatchItemFailures', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties);
    expect(mappings).toEqual([
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': ['TaskQueue', 'Arn'] },
        FunctionName: { 'Fn::GetAtt': ['ConsumeLambdaFunction', 'Arn'] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        // The cap on consume containers: the worst case of a limit while Redis is away is this × the limit.
        ScalingConfig: { MaximumConcurrency: 10 },
      }),
    ]);
  });

  it('runs reconcile every minute, one at a time', () => {
    expect(ruleTargeting('reconcile')?.ScheduleExpression).toBe('rate(1 minute)');
    expect(functionProperties('reconcile').ReservedConcurrentExecutions).toBe(1);
  });

  it('runs the example schedule on EventBridge Scheduler in its time zone, with an input the function accepts', () => {
    const schedules = ofType('AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    const properties = schedules[0]?.[1].Properties as {
      ScheduleExpressionTimezone: string;
      Target: { Input: string };
    };
    expect(properties.ScheduleExpressionTimezone).toBe('Europe/Paris');
    // What the scheduler renders: its context attribute replaced by the scheduled time.
    const rendered = JSON.parse(
      properties.Target.Input.replace('<aws.scheduler.scheduled-time>', '2030-01-01T00:00:00Z'),
    );
    expect(ScheduleInputSchema.parse(rendered)).toMatchObject({ time: '2030-01-01T00:00:00Z' });
    expect(functionEventInvokeConfig('schedule')).toMatchObject({ MaximumRetryAttempts: 2 });
  });

  it('grants no wildcard action and no unnamed resource', () => {
    const granted = statements();
    expect(granted.length).toBeGreaterThan(0);
    for (const statement of granted) {
      for (const action of actionsOf(statement)) {
        expect(action, JSON.stringify(statement)).not.toMatch(/(^|:)\*$/);
      }
      for (const target of resourcesOf(statement)) expect(target, JSON.stringify(statement)).not.toBe('*');
      expect(statement.NotAction ?? statement.NotResource).toBeUndefined();
    }
    const sqsActions = new Set(granted.flatMap(actionsOf).filter((action) => action.startsWith('sqs:')));
    expect([...sqsActions].sort()).toEqual(
      [
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ].sort(),
    );
    const sqsTargets = granted
      .filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:')))
      .flatMap(resourcesOf);
    for (const target of sqsTargets) {
      expect(['TaskQueue', 'DeadLetterQueue', 'JournalQueue']).toContain(
        (target as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0],
      );
    }
  });

  it('lets nothing invoke a function but the scheduler its schedule: wake-ups are messages on the task queue', () => {
    const invoke = statements().filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('lambda:')),
    );
    const targets = invoke.flatMap(resourcesOf).map((target) => JSON.stringify(target));
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(target).toContain(':function:tandem-dev-schedule');
    for (const name of FUNCTIONS) {
      expect(functionProperties(name).Environment.Variables.CONSUME_FUNCTION_NAME).toBeUndefined();
    }
  });

  it('takes secrets from SSM at deploy time: the template holds references, never values', () => {
    const variables = functionProperties('api').Environment.Variables;
    for (const secret of [
      'UPSTASH_REDIS_REST_URL',
      'UPSTASH_REDIS_REST_TOKEN',
      'TANDEM_API_TOKENS',
      'TANDEM_SIGNING_SECRET',
    ]) {
      expect(variables[secret]).toBe(`{{resolve:ssm:/tandem/dev/${secret}}}`);
    }
    expect(variables.TASK_QUEUE_URL).toEqual({ Ref: 'TaskQueue' });
    expect(variables.DEAD_LETTER_QUEUE_URL).toEqual({ Ref: 'DeadLetterQueue' });
    expect(variables.JOURNAL_QUEUE_URL).toEqual({ Ref: 'JournalQueue' });
  });
});

describe('the bundles', () => {
  let harness: TandemHarness;
  let work: string;

  beforeAll(async () => {
    harness = await startTandemHarness();
    work = await mkdtemp(join(tmpdir(), 'tandem-bundles-'));
    for (const name of FUNCTIONS) {
      const bundle = readZip(join(BUILD, `${name}.zip`)).get(`functions/${name}.mjs`);
      if (!bundle) throw new Error(`${name}.zip holds no functions/${name}.mjs`);
      await writeFile(join(work, `${name}.mjs`), bundle);
    }
    // Invokes a bundle's handler as Lambda would, in a process of its own, and prints the outcome last.
    await writeFile(
      join(work, 'invoke.mjs'),
      [
        'const [bundle, event] = process.argv.slice(2);',
        'const { handler } = await import(bundle);',
        'const context = { getRemainingTimeInMillis: () => 30_000 };',
        'let outcome;',
        'try { outcome = { ok: true, result: await handler(JSON.parse(event), context) }; }',
        'catch (error) { outcome = { ok: false, name: error.name, message: error.message }; }',
        'process.stdout.write("\\nOUTCOME " + JSON.stringify(outcome) + "\\n");',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await harness?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function invoke(name: (typeof FUNCTIONS)[number], event: unknown, env: Record<string, string>) {
    const { stdout } = await run(
      process.execPath,
      [join(work, 'invoke.mjs'), join(work, `${name}.mjs`), JSON.stringify(event)],
      {
        env: { PATH: process.env.PATH ?? '', ...env },
      },
    );
    const line = stdout.split('\n').find((text) => text.startsWith('OUTCOME '));
    if (!line) throw new Error(`no outcome from ${name}: ${stdout}`);
    return JSON.parse(line.slice('OUTCOME '.length)) as
      | { ok: true; result: unknown }
      | { ok: false; name: string; message: string };
  }

  it('load as ES modules and, without configuration, fail naming the missing variables', async () => {
    for (const name of FUNCTIONS) {
      const outcome = await invoke(name, {}, {});
      expect(outcome, name).toMatchObject({ ok: false, name: 'ConfigError' });
      if (!outcome.ok) expect(outcome.message).toContain('UPSTASH_REDIS_REST_URL');
    }
  });

  it('consume, as bundled, drains a task from real Redis on a wake event', async () => {
    // About the bundle, not the deadline: a fresh process on a busy machine may overrun 150 ms on its first call.
    const runtime = await harness.runtime({ tasks: deploymentTasks, env: { REDIS_TIMEOUT_MS: '2000' } });
    const receipt = await runtime.enqueue({ type: 'echo', payload: { message: 'from the bundle' } });
    const env = {
      ...runtime.env,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };

    const outcome = await invoke('consume', WAKE_EVENT, env);

    expect(outcome).toMatchObject({ ok: true, result: { claimed: 1, succeeded: 1 } });
    expect(await runtime.status(receipt.id)).toMatchObject({
      state: 'succeeded',
      result: { message: 'from the bundle' },
    });
  });

  it('api, as bundled, serves the dashboard without a token, under its Content-Security-Policy', async () => {
    const runtime = await harness.runtime({ tasks: deploymentTasks });
    const env = { ...runtime.env, AWS_REGION: 'us-east-1' };
    const page = await invoke('api', apiGatewayEvent({ method: 'GET', path: '/dashboard' }), env);
    expect(page).toMatchObject({ ok: true, result: { statusCode: 200 } });
    const result = (page as { result: { body: string; headers: Record<string, string> } }).result;
    expect(result.body).toContain('<script type="module" src="dashboard/app.js"></script>');
    expect(result.headers['content-security-policy']).toContain("script-src 'self'");
    const script = await invoke('api', apiGatewayEvent({ method: 'GET', path: '/dashboard/app.js' }), env);
    expect(script).toMatchObject({ ok: true, result: { statusCode: 200 } });
    const tasks = await invoke('api', apiGatewayEvent({ method: 'GET', path: '/tasks' }), env);
    expect(tasks).toMatchObject({ ok: true, result: { statusCode: 401 } });
  });

  it('reconcile, as bundled, reaches both Redis and SQS (the bundled AWS SDK included)', async () => {
    const runtime = await harness.runtime({ tasks: deploymentTasks, env: { REDIS_TIMEOUT_MS: '2000' } });
    const env = {
      ...runtime.env,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };

    const outcome = await invoke('reconcile', scheduledEvent(new Date().toISOString()), env);

    expect(outcome).toMatchObject({ ok: true, result: { ran: true, redis: { ok: true }, errors: [] } });
    expect(outcome.ok && (outcome.result as { sqsDepths?: unknown }).sqsDepths).toBeTruthy();
  });
});
