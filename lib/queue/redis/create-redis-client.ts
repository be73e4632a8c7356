import { Redis } from '@upstash/redis';

export interface RedisClientOptions {
  url: string;
  token: string;
  /** Deadline of every request. */
  timeoutMs: number;
}

/**
 * The Upstash client as Tandem must use it (see the measured facts in DESIGN.md):
 * - `retry: false`: the failover path is our retry; the client's own backoff would eat the budget.
 * - `signal` as a factory: a fresh deadline per request. A shared AbortSignal makes the client return
 *   `null` instead of throwing, and once fired, `null` for every later command.
 * - auto-pipelining off: one call is one request, so a deadline belongs to one operation.
 * - no automatic deserialization: replies are validated, not guessed at.
 */
export function createRedisClient({ url, token, timeoutMs }: RedisClientOptions): Redis {
  return new Redis({
    url,
    token,
    retry: false,
    enableAutoPipelining: false,
    automaticDeserialization: false,
    enableTelemetry: false,
    signal: () => AbortSignal.timeout(timeoutMs),
  });
}
