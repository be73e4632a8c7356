import { Redis } from '@upstash/redis';

export interface RedisClientOptions {
  url: string;
  token: string;
  /** Deadline of every request. */
  timeoutMs: number;
}

/**
 * The Upstash client as Tandem must use it (see the measured facts in docs/contract.md):
 * - `retry: { retries: 0 }`: exactly one attempt; the failover path is our retry. (`retry: false` still
 *   fetches twice on a network error, and a second enqueue of the same id would come back `duplicate`.)
 * - `signal` as a factory: a fresh deadline per request. A shared AbortSignal makes the client return
 *   `null` instead of throwing, and once fired, `null` for every later command.
 * - auto-pipelining off: one call is one request, so a deadline belongs to one operation.
 * - no automatic deserialization: replies are validated, not guessed at.
 */
export function createRedisClient({ url, token, timeoutMs }: RedisClientOptions): Redis {
  return new Redis({
    url,
    token,
    retry: { retries: 0 },
    enableAutoPipelining: false,
    automaticDeserialization: false,
    enableTelemetry: false,
    signal: () => AbortSignal.timeout(timeoutMs),
  });
}
