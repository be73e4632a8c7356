import { QueueUnavailableError } from '../errors.js';
import type { RedisScript } from './redis-script.js';
import { type RedisTransport, ScriptMissingError } from './redis-transport.js';

/**
 * Runs a script by SHA, sending its source only when Redis does not have it yet (after a restart or
 * flush). An empty reply is a failure: the Upstash client turns some aborts into `null` rather than
 * throwing, and a task must never look stored when it is not.
 */
export async function runScript(
  transport: RedisTransport,
  script: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const argv = args.map(String);
  let reply: unknown;
  try {
    reply = await transport.evalsha(script.sha, keys, argv);
  } catch (error) {
    if (!(error instanceof ScriptMissingError)) throw rename(error, script.name);
    reply = await transport.eval(script.source, keys, argv).catch((retryError: unknown) => {
      throw rename(retryError, script.name);
    });
  }
  if (reply === null || reply === undefined || reply === 'Aborted') {
    throw new QueueUnavailableError(`redis ${script.name}: empty reply`, 'redis');
  }
  return reply;
}

// Transports name the command (evalsha); callers want to read which script failed.
function rename(error: unknown, scriptName: string): unknown {
  if (error instanceof Error)
    error.message = error.message.replace(/^redis (evalsha|eval)\b/, `redis ${scriptName}`);
  return error;
}
