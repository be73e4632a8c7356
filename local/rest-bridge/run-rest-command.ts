import type { Redis } from 'ioredis';
import { BridgeHttpError, isRedisErrorReply, toUnavailableError } from './bridge-errors.js';
import { type CommandArgs, isBlocking, refusalOf } from './command-policy.js';
import { encodeReply, type JsonReply, type ReplyEncoding } from './encode-reply.js';
import { errorMessage } from './error-message.js';
import { parseCommand, parseCommandList } from './parse-commands.js';
import { sendRaw, sendRawTransaction } from './raw-command.js';
import type { RedisConnections } from './redis-connections.js';

/** One entry of a pipeline or transaction answer. */
export type EntryAnswer = { result: JsonReply } | { error: string };

/** What one REST path needs to run a request body. */
export type RestRequest = {
  body: unknown;
  encoding: ReplyEncoding;
  connections: RedisConnections;
  /** Fires when the HTTP client goes away, so a blocking command stops waiting for nobody. */
  abandoned: AbortSignal;
  countCommands(count: number): void;
};

/** `POST /`: one command; a Redis error reply becomes 400 with Redis's own message. */
export async function runSingle(request: RestRequest): Promise<{ result: JsonReply }> {
  const command = parseCommand(request.body);
  const refusal = refusalOf(command);
  if (refusal) throw new BridgeHttpError(400, refusal);
  request.countCommands(1);
  try {
    const reply = await onConnectionFor(request, [command], (redis) => sendRaw(redis, command));
    return { result: encodeReply(reply, request.encoding) };
  } catch (error) {
    if (isRedisErrorReply(error)) throw new BridgeHttpError(400, error.message, { cause: error });
    throw toUnavailableError(error);
  }
}

/**
 * `POST /pipeline`: commands in order, not atomic; each entry answers for itself. A connection failure
 * fails the whole request, because an entry that never reached Redis has no reply to report.
 */
export async function runPipeline(request: RestRequest): Promise<EntryAnswer[]> {
  const commands = parseCommandList(request.body);
  request.countCommands(commands.length);
  const runnable = commands.filter((command) => !refusalOf(command));
  const settled = await onConnectionFor(request, runnable, (redis) =>
    Promise.allSettled(runnable.map((command) => sendRaw(redis, command))),
  ).catch((error: unknown) => {
    throw toUnavailableError(error);
  });
  const failure = settled.find((entry) => entry.status === 'rejected' && !isRedisErrorReply(entry.reason));
  if (failure?.status === 'rejected') throw toUnavailableError(failure.reason);
  const replies = settled.values();
  return commands.map((command): EntryAnswer => {
    const refusal = refusalOf(command);
    if (refusal) return { error: refusal };
    const entry = replies.next().value;
    if (entry?.status === 'fulfilled') return { result: encodeReply(entry.value, request.encoding) };
    return { error: entry?.reason instanceof Error ? entry.reason.message : 'ERR no reply' };
  });
}

/**
 * `POST /multi-exec`: MULTI … EXEC, all or nothing. A command Redis rejects while queuing aborts the
 * whole transaction (400, EXECABORT with the reasons); errors raised while executing are per entry,
 * as Redis reports them.
 */
export async function runMultiExec(request: RestRequest): Promise<EntryAnswer[]> {
  const commands = parseCommandList(request.body);
  const refusal = commands.map(refusalOf).find((reason) => reason !== undefined);
  if (refusal) throw new BridgeHttpError(400, refusal);
  request.countCommands(commands.length);
  let replies: [Error | null, unknown][];
  try {
    // Blocking commands do not block inside MULTI, so the shared connection is always right here.
    replies = await request.connections.onShared((redis) => sendRawTransaction(redis, commands));
  } catch (error) {
    if (isRedisErrorReply(error)) throw new BridgeHttpError(400, describeAbort(error), { cause: error });
    throw toUnavailableError(error);
  }
  return replies.map(([error, reply]): EntryAnswer => {
    if (!error) return { result: encodeReply(reply, request.encoding) };
    if (isRedisErrorReply(error)) return { error: error.message };
    throw toUnavailableError(error);
  });
}

function onConnectionFor<T>(
  request: RestRequest,
  commands: readonly CommandArgs[],
  work: (redis: Redis) => Promise<T>,
): Promise<T> {
  // A blocking command on the shared connection would stall every other request behind it.
  return commands.some(isBlocking)
    ? request.connections.onDedicated(work, request.abandoned)
    : request.connections.onShared(work);
}

function describeAbort(error: Error): string {
  const previous = (error as Error & { previousErrors?: unknown }).previousErrors;
  if (!Array.isArray(previous) || previous.length === 0) return error.message;
  const reasons = previous.map((reason) => errorMessage(reason));
  return `${error.message.replace(/\.$/, '')}: ${reasons.join('; ')}`;
}
