import { Command, type Pipeline, type Redis } from 'ioredis';
import type { CommandArgs } from './command-policy.js';

/**
 * A command whose reply reaches us exactly as Redis sent it. ioredis reshapes some replies by command
 * name (HGETALL into an object, score pairs, stream reads) even on the Buffer API; the REST protocol
 * wants the plain RESP2 arrays, and Buffers keep binary values intact.
 */
class RawCommand extends Command {
  constructor(command: CommandArgs) {
    super(command[0], command.slice(1), { replyEncoding: null });
  }

  override transformReply(reply: Buffer | Buffer[]): Buffer | Buffer[] {
    return reply;
  }
}

/** Sends one command and resolves with its raw reply, or rejects with the Redis or connection error. */
export function sendRaw(redis: Redis, command: CommandArgs): Promise<unknown> {
  const raw = new RawCommand(command);
  redis.sendCommand(raw);
  return raw.promise;
}

/**
 * Runs the commands inside MULTI/EXEC, written to the socket as one batch. Resolves with one
 * `[error, reply]` per command; rejects when the transaction as a whole fails (EXECABORT, connection).
 */
export async function sendRawTransaction(
  redis: Redis,
  commands: readonly CommandArgs[],
): Promise<[Error | null, unknown][]> {
  const transaction = redis.multi();
  // The typings hide sendCommand on the chainable type; at run time it is a Pipeline.
  const pipeline = transaction as unknown as Pipeline;
  for (const command of commands) pipeline.sendCommand(new RawCommand(command));
  const replies = await transaction.exec();
  // EXEC answers nil only when a WATCHed key changed; WATCH is refused, so this means a broken reply.
  if (replies === null) throw new Error('EXEC returned no replies');
  return replies;
}
