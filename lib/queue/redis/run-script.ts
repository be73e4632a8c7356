import type { Redis } from '@upstash/redis';
import { QueueUnavailableError } from '../errors.js';
import { isNoScriptError, toQueueError } from './redis-errors.js';
import type { RedisScript } from './redis-script.js';

/**
 * Runs a script by SHA, sending its source only when Redis does not have it yet (after a restart or
 * flush). An empty reply is a failure: the Upstash client turns some aborts into `null` rather than
 * throwing, and a task must never look stored when it is not.
 */
export async function runScript(
  redis: Redis,
  script: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const argv = args.map(String);
  let reply: unknown;
  try {
    reply = await redis.evalsha(script.sha, [...keys], argv);
  } catch (error) {
    if (!isNoScriptError(error)) throw toQueueError(error, script.name);
    try {
      reply = await redis.eval(script.source, [...keys], argv);
    } catch (retryError) {
      throw toQueueError(retryError, script.name);
    }
  }
  if (reply === null || reply === undefined || reply === 'Aborted') {
    throw new QueueUnavailableError(`redis ${script.name}: empty reply`, 'redis');
  }
  return reply;
}
