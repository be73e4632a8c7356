import { Redis } from 'ioredis';

/** How the bridge reaches Redis: one shared connection, plus short-lived ones for blocking commands. */
export type RedisConnections = {
  /** True once the shared connection is up; false while Redis is down or being reconnected to. */
  isReady(): boolean;
  /** Resolves true once the shared connection is ready; false when a connect attempt fails or `ms` pass. */
  waitUntilReady(ms: number): Promise<boolean>;
  /** Runs work on the shared connection. */
  onShared<T>(work: (redis: Redis) => Promise<T>): Promise<T>;
  /** Runs work on a fresh connection, closed afterwards, or at once when `abandoned` fires. */
  onDedicated<T>(work: (redis: Redis) => Promise<T>, abandoned: AbortSignal): Promise<T>;
  close(): void;
};

export type RedisConnectionsOptions = {
  redisUrl: string;
  commandTimeoutMs: number;
  onError?: (error: Error) => void;
};

// Reconnect fast and keep trying: traffic must return soon after Redis does, however long it was away.
const RECONNECT_DELAY_MS = (attempt: number) => Math.min(50 * attempt, 500);

/**
 * Opens the shared connection configured to fail fast. A bridge that queued commands while Redis was
 * away would turn an outage into a hang for every caller, and would replay writes the caller had
 * already been told failed; so: no offline queue, no automatic re-sending, no retries per request,
 * and a command timeout for a Redis that accepts connections but does not answer (paused, swapping).
 */
export function openRedisConnections(options: RedisConnectionsOptions): RedisConnections {
  const shared = new Redis(options.redisUrl, {
    // RESP2 replies are what the REST protocol carries; RESP3 would reshape maps, doubles and booleans.
    protocol: 2,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: RECONNECT_DELAY_MS,
  });
  const dedicated = new Set<Redis>();
  let lastError: Error | undefined;
  // Without a listener ioredis prints every failed reconnect attempt to the console.
  shared.on('error', (error: Error) => {
    lastError = error;
    options.onError?.(error);
  });

  return {
    isReady: () => shared.status === 'ready',
    waitUntilReady: (ms) => waitUntilReady(shared, ms),
    async onShared(work) {
      // Fail with the reason Redis is away rather than ioredis's "stream isn't writeable".
      if (shared.status !== 'ready') {
        throw new Error(`not connected (${lastError?.message ?? shared.status})`, { cause: lastError });
      }
      return work(shared);
    },
    async onDedicated(work, abandoned) {
      const redis = shared.duplicate({
        lazyConnect: true,
        // Commands wait for this connection's own handshake, but one failed connect ends it: no retries.
        enableOfflineQueue: true,
        retryStrategy: () => null,
        // Blocking commands wait as long as they asked to; the HTTP client's own deadline bounds them.
        commandTimeout: undefined,
      });
      redis.on('error', () => {});
      dedicated.add(redis);
      const disconnect = () => redis.disconnect();
      abandoned.addEventListener('abort', disconnect, { once: true });
      try {
        if (abandoned.aborted) throw new Error('the HTTP client went away');
        await redis.connect();
        return await work(redis);
      } finally {
        abandoned.removeEventListener('abort', disconnect);
        dedicated.delete(redis);
        redis.disconnect();
      }
    },
    close() {
      for (const redis of dedicated) redis.disconnect();
      dedicated.clear();
      shared.disconnect();
    },
  };
}

function waitUntilReady(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      resolve(ready);
    };
    const onReady = () => finish(true);
    const onError = () => finish(false);
    const timer = setTimeout(() => finish(false), ms);
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}
