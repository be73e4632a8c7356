import { superRefine } from 'zod/mini';
import type { RetryPolicy } from '../backoff.js';
import { defineTask } from '../define-task.js';
import type { ConcurrencyLimit, RateLimit } from '../task-limits.js';
import { deliverHttp } from './deliver-http.js';
import { destinationProblem, type ResolveHost } from './destination-guard.js';
import { HostAllowList } from './host-allow-list.js';
import { type HttpTaskPayload, HttpTaskPayloadSchema } from './http-task-payload.js';

export const HTTP_TASK_TYPE = 'http';

export interface CreateHttpTaskOptions {
  /** `TANDEM_SIGNING_SECRET`: the HMAC key of the `Tandem-Signature` header. */
  signingSecret: string;
  /** `TANDEM_HTTP_ALLOWED_HOSTS`, split: hosts, `*.example.com`, `host:port`; empty allows any public host. */
  allowedHosts: readonly string[];
  /** How host names are resolved at delivery; default `dns.lookup` with every address. */
  resolve?: ResolveHost;
  /** Default: 5 attempts, the default backoff. */
  retry?: Partial<RetryPolicy>;
  /** Deadline of one attempt; default 30 s. */
  timeoutMs?: number;
  /** `TANDEM_HTTP_CONCURRENCY`: requests in flight per key; the key defaults to the destination's host:port. */
  concurrency?: ConcurrencyLimit<HttpTaskPayload>;
  /** `TANDEM_HTTP_RATE_LIMIT`: requests started per period per key; the key defaults to the host:port. */
  rateLimit?: RateLimit<HttpTaskPayload>;
}

/** The natural key of a webhook's limits: where it goes (`api.example.com`, `127.0.0.1:8080`). */
export const destinationHost = (payload: HttpTaskPayload): string => new URL(payload.url).host;

/**
 * The built-in `http` task type. Its schema refuses, at enqueue and without DNS, URLs outside the allow-list
 * and private IP literals or `localhost` not listed by name (the issue sits at `payload.url`); delivery checks
 * again after DNS and connects only to the addresses it checked.
 *
 * @throws Error at creation when an allow-list entry cannot be parsed or the secret is empty
 * @example
 * const registry = new TaskRegistry([
 *   createHttpTask({ signingSecret: config.http.signingSecret, allowedHosts: config.http.allowedHosts }),
 * ]);
 */
export function createHttpTask({
  signingSecret,
  allowedHosts,
  resolve,
  retry,
  timeoutMs,
  concurrency,
  rateLimit,
}: CreateHttpTaskOptions) {
  if (signingSecret.length === 0)
    throw new Error('the http task needs a signing secret (TANDEM_SIGNING_SECRET)');
  const allowList = HostAllowList.parse(allowedHosts);
  const schema = HttpTaskPayloadSchema.check(
    superRefine((payload, ctx) => {
      if (!URL.canParse(payload.url)) return;
      const problem = destinationProblem(new URL(payload.url), allowList);
      if (problem !== undefined)
        ctx.addIssue({ code: 'custom', path: ['url'], message: problem, input: payload.url });
    }),
  );
  return defineTask({
    type: HTTP_TASK_TYPE,
    schema,
    retry: { maxAttempts: 5, ...retry },
    timeoutMs: timeoutMs ?? 30_000,
    ...(concurrency && { concurrency: { key: destinationHost, ...concurrency } }),
    ...(rateLimit && { rateLimit: { key: destinationHost, ...rateLimit } }),
    handler: (payload, context) =>
      deliverHttp(payload, {
        signingSecret,
        allowList,
        taskId: context.taskId,
        attempt: context.attempt,
        signal: context.signal,
        logger: context.logger,
        ...(resolve !== undefined && { resolve }),
      }),
  });
}
