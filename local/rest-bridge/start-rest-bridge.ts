import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BridgeStats, createStatsRecorder } from './bridge-stats.js';
import { checkBearerToken } from './check-bearer-token.js';
import { createRequestHandler } from './handle-http-request.js';
import { openRedisConnections } from './redis-connections.js';

export type RestBridgeOptions = {
  /** The TCP Redis behind the bridge, e.g. `redis://127.0.0.1:6379`. */
  redisUrl: string;
  /** The bearer token clients must send. */
  token: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default: the bridge is for local use and tests, not for exposure. */
  host?: string;
  /** Larger request bodies are refused with 413. Default 10 MB. */
  maxBodyBytes?: number;
  /** How long a command may wait for Redis before the bridge answers 504. Default 5 s. */
  commandTimeoutMs?: number;
  /** How long start waits for the first connection to Redis. Default 2 s; a failure does not stop start. */
  connectWaitMs?: number;
  /** Called with Redis connection errors (refused, reset…); repeats while Redis stays down. */
  onRedisError?: (error: Error) => void;
};

/** A running bridge. */
export type RestBridge = {
  /** Base URL for the Upstash client, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly token: string;
  /** Live request counters; read them after an operation to count its round trips. */
  readonly stats: Readonly<BridgeStats>;
  resetStats(): void;
  /** Whether the bridge currently holds a working connection to Redis. */
  isRedisReady(): boolean;
  /** Stops accepting requests, drops open ones and closes every Redis connection. */
  close(): Promise<void>;
};

/**
 * Serves the Upstash Redis REST protocol (`POST /`, `/pipeline`, `/multi-exec`) in front of a TCP
 * Redis, so the real `@upstash/redis` client runs unchanged against a local Redis. Starts even when
 * Redis is down: requests then fail fast with 503 until Redis is back, and it reconnects by itself.
 *
 * @example
 * const bridge = await startRestBridge({ redisUrl: 'redis://127.0.0.1:6379', token: 'dev' });
 * const redis = new Redis({ url: bridge.url, token: bridge.token });
 */
export async function startRestBridge(options: RestBridgeOptions): Promise<RestBridge> {
  const recorder = createStatsRecorder();
  const connections = openRedisConnections({
    redisUrl: options.redisUrl,
    commandTimeoutMs: options.commandTimeoutMs ?? 5_000,
    ...(options.onRedisError ? { onError: options.onRedisError } : {}),
  });
  const server = createServer(
    createRequestHandler({
      isAuthorized: checkBearerToken(options.token),
      connections,
      recorder,
      maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024,
    }),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
  } catch (error) {
    connections.close();
    throw error;
  }
  await connections.waitUntilReady(options.connectWaitMs ?? 2_000);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    token: options.token,
    stats: recorder.stats,
    resetStats: recorder.reset,
    isRedisReady: connections.isReady,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets would otherwise hold close() open until they time out.
      server.closeAllConnections();
      connections.close();
      await closed;
    },
  };
}
