import { randomBytes } from 'node:crypto';
import { Redis } from '@upstash/redis';
import { type RestBridge, type RestBridgeOptions, startRestBridge } from '../../local/rest-bridge/index.js';
import {
  type RedisServer,
  type RedisServerOptions,
  startOrShareRedis,
  startRedisServer,
} from './redis-server.js';

/** The REST bridge in front of a Redis, and Upstash clients pointed at it. */
export interface SharedRedisStack {
  readonly bridge: RestBridge;
  /** The TCP URL of the Redis behind the bridge, for direct inspection. */
  readonly redisUrl: string;
  /** An Upstash client configured the way Tandem configures it (see {@link StackClientOptions}). */
  client(options?: StackClientOptions): Redis;
  /** A key prefix no other test uses, e.g. `t:enqueue:9f2c41d0:`. */
  keyPrefix(label?: string): string;
  /** Closes the bridge, then stops Redis if this stack started it. */
  stop(): Promise<void>;
}

/** A stack whose Redis belongs to this test file alone, so tests may kill, pause and restart it. */
export interface RedisStack extends SharedRedisStack {
  readonly server: RedisServer;
}

export interface RedisStackOptions {
  /** Extra redis-server arguments, e.g. `['--appendonly', 'yes']` or `['--maxmemory', '2mb']`. */
  serverArgs?: RedisServerOptions['args'];
  /** Bridge settings other than the Redis URL and the token. */
  bridge?: Omit<RestBridgeOptions, 'redisUrl' | 'token'>;
}

export interface StackClientOptions {
  /** The per-request deadline, given to the client as a signal factory. Default 1000 ms. */
  timeoutMs?: number;
  /** `false` asks for plain JSON instead of base64-encoded strings. Default base64, as in production. */
  responseEncoding?: false | 'base64';
  /** Defaults to the bridge's token; pass another one to test refusals. */
  token?: string;
}

/**
 * Starts a dedicated redis-server and the bridge, and hands out Upstash clients set up as Tandem sets
 * them up: no retries (the breaker decides), no auto-pipelining (one call, one request, so round trips
 * can be counted), and the signal as a factory: a fresh deadline per request, because a shared
 * AbortSignal instance makes the client return `null` instead of throwing once it has fired.
 *
 * @example
 * const stack = await startRedisStack();
 * const redis = stack.client();
 * await redis.set(`${stack.keyPrefix('demo')}k`, 'v');
 * await stack.stop();
 */
export async function startRedisStack(options: RedisStackOptions = {}): Promise<RedisStack> {
  const server = await startRedisServer(options.serverArgs ? { args: options.serverArgs } : {});
  const stack = await withBridge(server.url, options.bridge, () => server.stop());
  return { ...stack, server };
}

/** Like {@link startRedisStack}, but on the REDIS_URL server when one is set: for suites that never break Redis. */
export async function startSharedRedisStack(
  options: Pick<RedisStackOptions, 'bridge'> = {},
): Promise<SharedRedisStack> {
  const redis = await startOrShareRedis();
  return withBridge(redis.url, options.bridge, redis.stop);
}

async function withBridge(
  redisUrl: string,
  options: RedisStackOptions['bridge'],
  stopRedis: () => Promise<void>,
): Promise<SharedRedisStack> {
  let bridge: RestBridge;
  try {
    bridge = await startRestBridge({
      ...options,
      redisUrl,
      token: `test-${randomBytes(12).toString('hex')}`,
    });
  } catch (error) {
    await stopRedis();
    throw error;
  }
  return {
    bridge,
    redisUrl,
    client: (clientOptions = {}) => createTandemStyleClient(bridge, clientOptions),
    keyPrefix: (label = 'test') => `t:${label}:${randomBytes(4).toString('hex')}:`,
    async stop() {
      await bridge.close();
      await stopRedis();
    },
  };
}

function createTandemStyleClient(bridge: RestBridge, options: StackClientOptions): Redis {
  const timeoutMs = options.timeoutMs ?? 1_000;
  return new Redis({
    url: bridge.url,
    token: options.token ?? bridge.token,
    retry: { retries: 0 },
    enableAutoPipelining: false,
    enableTelemetry: false,
    signal: () => AbortSignal.timeout(timeoutMs),
    ...(options.responseEncoding === undefined ? {} : { responseEncoding: options.responseEncoding }),
  });
}
