import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { monotonicFactory } from 'ulid';
import { apiGatewayEvent } from '../../test/support/api-gateway-event.js';
import { makeEnvelope } from '../../test/support/envelopes.js';
import { eventBridgeEvent, sqsEvent } from '../../test/support/lambda-events.js';
import { deploymentEnv } from '../support/deployment-env.js';

const nextId = monotonicFactory();

/** What a probe needs to reach: the REST bridge, the SQS emulator's queues. */
export interface ProbeBackends {
  redisUrl: string;
  redisToken: string;
  sqsEndpoint: string;
  taskQueueUrl: string;
  deadLetterQueueUrl: string;
  journalQueueUrl: string;
  taskQueueArn: string;
  apiToken: string;
}

/** The environment of every probe: a complete deployment's, every endpoint on 127.0.0.1. */
export function probeEnv(backends: ProbeBackends): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    ...deploymentEnv({
      redis: { url: backends.redisUrl, token: backends.redisToken },
      sqsEndpoint: backends.sqsEndpoint,
      queues: backends,
      queueName: 'bench-cold',
    }),
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
}

/**
 * The first invocation each function gets in production, with a fresh event per call: the api stores a
 * task (POST /tasks), consume runs one from an SQS batch, reconcile makes a pass, schedule and events
 * each enqueue one. The baseline sends one SQS message.
 */
export function firstEvent(name: string, backends: ProbeBackends): unknown {
  const message = { message: `cold start ${nextId()}` };
  switch (name) {
    case 'baseline':
      return { body: JSON.stringify(message) };
    case 'api':
      return apiGatewayEvent({
        method: 'POST',
        path: '/tasks',
        headers: { authorization: `Bearer ${backends.apiToken}`, 'content-type': 'application/json' },
        body: { type: 'echo', payload: message },
      });
    case 'consume': {
      const envelope = makeEnvelope({ type: 'echo', payload: message, enqueuedVia: 'sqs' });
      return sqsEvent([
        {
          messageId: nextId(),
          receiptHandle: nextId(),
          body: JSON.stringify(envelope),
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(Date.now()),
            SenderId: 'bench',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: backends.taskQueueArn,
          awsRegion: 'us-east-1',
        },
      ]);
    }
    case 'reconcile':
      return {};
    case 'schedule':
      return { schedule: 'bench', time: new Date().toISOString(), task: { type: 'echo', payload: message } };
    case 'events':
      return eventBridgeEvent({ tandem: { type: 'echo', payload: message } });
    default:
      throw new Error(`no first event for ${name}`);
  }
}

/** Whether a handler's answer is the success its event asks for (a failed call would time nothing real). */
export function succeeded(name: string, result: unknown): boolean {
  const value = (result ?? {}) as Record<string, unknown>;
  switch (name) {
    case 'baseline':
    case 'api':
      return value.statusCode === 202;
    case 'consume':
      return Array.isArray(value.batchItemFailures) && value.batchItemFailures.length === 0;
    case 'reconcile':
      return (value.redis as { ok?: boolean } | undefined)?.ok === true && value.sqsDepths !== undefined;
    case 'schedule':
      return value.enqueued === true;
    case 'events':
      return Array.isArray(value.enqueued) && value.enqueued.length === 1;
    default:
      return false;
  }
}

export interface ProbeTiming {
  /** `import()` of the bundle: module evaluation. */
  initMs: number;
  /** The first call of the handler, when there was one. */
  invokeMs?: number;
  result?: unknown;
}

// Runs in the fresh process: time the import, then (given an event) the first call, as Lambda's init and
// first invoke. Exits at once: pooled sockets must not keep the process, or the next probe, waiting.
const PROBE = `
const started = performance.now();
const mod = await import(process.argv[1]);
const initMs = performance.now() - started;
if (typeof mod.handler !== 'function') throw new Error('the bundle exports no handler');
const out = { initMs };
if (process.argv[2] !== undefined) {
  const context = { getRemainingTimeInMillis: () => 30_000, awsRequestId: 'bench', functionName: 'bench' };
  const invoked = performance.now();
  out.result = await mod.handler(JSON.parse(process.argv[2]), context);
  out.invokeMs = performance.now() - invoked;
}
process.stdout.write(JSON.stringify(out));
process.exit(0);
`;

/** Imports a bundle in a fresh `node` process, and calls its handler once when given an event. */
export function probe(
  bundlePath: string,
  env: Record<string, string>,
  event?: unknown,
): Promise<ProbeTiming> {
  const args = ['--input-type=module', '--no-warnings', '-e', PROBE, pathToFileURL(bundlePath).href];
  if (event !== undefined) args.push(JSON.stringify(event));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`probing ${basename(bundlePath)} failed (exit ${code}): ${err.slice(-2000)}`));
        return;
      }
      // Log lines (EMF metrics, warnings) may precede the timing, which is the last thing written.
      resolve(JSON.parse(out.slice(out.lastIndexOf('{"initMs"'))) as ProbeTiming);
    });
  });
}
