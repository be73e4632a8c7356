import type { Redis } from '@upstash/redis';
import { isNoScriptError, toQueueError } from './redis-errors.js';
import { type RedisTransport, ScriptMissingError } from './redis-transport.js';

/** Scripts over Upstash's REST API: one HTTP request per call. */
export function upstashTransport(redis: Redis): RedisTransport {
  const call = async (operation: string, send: () => Promise<unknown>) => {
    try {
      return await send();
    } catch (error) {
      if (isNoScriptError(error)) throw new ScriptMissingError(operation, { cause: error });
      throw toQueueError(error, operation);
    }
  };
  return {
    evalsha: (sha, keys, args) => call('evalsha', () => redis.evalsha(sha, [...keys], [...args])),
    eval: (source, keys, args) => call('eval', () => redis.eval(source, [...keys], [...args])),
  };
}
