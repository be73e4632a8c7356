import * as z from 'zod/mini';
import { TaskValidationError } from './errors.js';

/** At most `limit` tasks of one key run at once. */
export interface ConcurrencyLimit<Payload = unknown> {
  limit: number;
  /** The key a task counts against (a tenant, a host…); default one key for the whole task type. */
  key?: (payload: Payload) => string;
}

/** At most `limit` tasks of one key start in any `periodMs` (a sliding window: every window, not a grid). */
export interface RateLimit<Payload = unknown> extends ConcurrencyLimit<Payload> {
  periodMs: number;
}

export const MAX_CONCURRENCY_LIMIT = 10_000;
/** The window keeps one entry per start, so its size is bounded. */
export const MAX_RATE_LIMIT = 10_000;
export const MIN_RATE_PERIOD_MS = 10;
export const MAX_RATE_PERIOD_MS = 86_400_000;

export const LimitKeySchema = z.string().check(z.minLength(1), z.maxLength(256));

const between = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

/** What a task carries of its limits: the key it computed at enqueue and the limit as then declared. */
export const TaskLimitsSchema = z.strictObject({
  concurrency: z.optional(z.strictObject({ key: z.string(), limit: between(1, MAX_CONCURRENCY_LIMIT) })),
  rate: z.optional(
    z.strictObject({
      key: z.string(),
      limit: between(1, MAX_RATE_LIMIT),
      periodMs: between(MIN_RATE_PERIOD_MS, MAX_RATE_PERIOD_MS),
    }),
  ),
});
export type TaskLimits = z.infer<typeof TaskLimitsSchema>;

/**
 * The key a limit is counted under: scoped by task type, with a separator task types cannot contain, so
 * two types never share a key by accident.
 */
export const scopedLimitKey = (type: string, key: string) => `${type}/${key}`;

/** The limits a definition declares, checked once when the task is defined. */
export interface DeclaredLimits {
  concurrency?: ConcurrencyLimit<never> | undefined;
  rateLimit?: RateLimit<never> | undefined;
}

/**
 * Refuses limits no queue could keep, when the task is defined rather than when it first runs.
 *
 * @throws TaskValidationError naming the task type and the limit
 */
export function checkDeclaredLimits(type: string, { concurrency, rateLimit }: DeclaredLimits): void {
  const problems: string[] = [];
  const intIn = (value: unknown, min: number, max: number) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
  if (concurrency && !intIn(concurrency.limit, 1, MAX_CONCURRENCY_LIMIT))
    problems.push(`concurrency.limit must be a whole number from 1 to ${MAX_CONCURRENCY_LIMIT}`);
  if (rateLimit && !intIn(rateLimit.limit, 1, MAX_RATE_LIMIT))
    problems.push(`rateLimit.limit must be a whole number from 1 to ${MAX_RATE_LIMIT}`);
  if (rateLimit && !intIn(rateLimit.periodMs, MIN_RATE_PERIOD_MS, MAX_RATE_PERIOD_MS))
    problems.push(
      `rateLimit.periodMs must be a whole number of milliseconds from ${MIN_RATE_PERIOD_MS} to ${MAX_RATE_PERIOD_MS}`,
    );
  for (const [name, limit] of [
    ['concurrency', concurrency],
    ['rateLimit', rateLimit],
  ] as const) {
    if (limit?.key !== undefined && typeof limit.key !== 'function')
      problems.push(`${name}.key must be a function`);
  }
  if (problems.length > 0) throw new TaskValidationError(`task type "${type}": ${problems.join('; ')}`);
}

/** Keys given at enqueue instead of the ones the definition computes. */
export interface LimitKeyOverrides {
  concurrencyKey?: string | undefined;
  rateLimitKey?: string | undefined;
}

/**
 * The limits one task carries: each declared limit with the key its override or its key function gives
 * (on the parsed payload). A key function that throws or returns no usable key refuses the task.
 *
 * @throws TaskValidationError for an override of a limit the type does not declare, or a bad key
 */
export function limitsOf(
  type: string,
  declared: DeclaredLimits,
  payload: unknown,
  overrides: LimitKeyOverrides = {},
): TaskLimits | undefined {
  const { concurrency, rateLimit } = declared;
  if (overrides.concurrencyKey !== undefined && !concurrency)
    throw refusal(type, 'concurrencyKey', 'declares no concurrency limit');
  if (overrides.rateLimitKey !== undefined && !rateLimit)
    throw refusal(type, 'rateLimitKey', 'declares no rate limit');
  if (!concurrency && !rateLimit) return undefined;
  return {
    ...(concurrency && {
      concurrency: {
        key: keyOf(type, 'concurrencyKey', concurrency, payload, overrides.concurrencyKey),
        limit: concurrency.limit,
      },
    }),
    ...(rateLimit && {
      rate: {
        key: keyOf(type, 'rateLimitKey', rateLimit, payload, overrides.rateLimitKey),
        limit: rateLimit.limit,
        periodMs: rateLimit.periodMs,
      },
    }),
  };
}

function keyOf(
  type: string,
  field: string,
  limit: ConcurrencyLimit<never>,
  payload: unknown,
  override: string | undefined,
): string {
  if (override !== undefined) return override;
  if (!limit.key) return '';
  let key: unknown;
  try {
    key = (limit.key as (payload: unknown) => unknown)(payload);
  } catch (error) {
    throw refusal(type, field, 'could not compute the limit key from the payload', { cause: error });
  }
  if (!LimitKeySchema.safeParse(key).success)
    throw refusal(type, field, 'the limit key must be a string of 1 to 256 characters');
  return key as string;
}

function refusal(type: string, field: string, problem: string, options?: ErrorOptions) {
  const message = `task type "${type}" ${problem}`;
  return new TaskValidationError(
    message,
    [{ code: 'custom', path: [field], message, input: undefined }],
    options,
  );
}
