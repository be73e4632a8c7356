import type { Redis as IORedis } from 'ioredis';
import { classifyRedisFailure } from './redis-errors.js';
import { type RedisTransport, ScriptMissingError } from './redis-transport.js';

/**
 * Scripts over a TCP connection (ioredis), for Redis-protocol services. Configure the client so that it
 * fails fast while disconnected (`enableOfflineQueue: false`, `maxRetriesPerRequest: 0` or a
 * `commandTimeout`): the failover path, not the client, is the retry.
 */
export function ioredisTransport(redis: IORedis): RedisTransport {
  const call = async (operation: string, send: () => Promise<unknown>) => {
    try {
      return await send();
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        throw new ScriptMissingError(operation, { cause: error });
      }
      throw classifyRedisFailure(error, operation, error instanceof Error && error.name === 'ReplyError');
    }
  };
  return {
    evalsha: (sha, keys, args) => call('evalsha', () => redis.evalsha(sha, keys.length, ...keys, ...args)),
    eval: (source, keys, args) => call('eval', () => redis.eval(source, keys.length, ...keys, ...args)),
  };
}
