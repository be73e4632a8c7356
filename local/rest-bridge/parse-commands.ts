import { BridgeHttpError } from './bridge-errors.js';
import type { CommandArgs } from './command-policy.js';

/**
 * Validates one command as the REST protocol sends it: a non-empty array whose items are strings,
 * numbers or booleans (the Upstash client sends numbers as JSON numbers). Everything becomes a string,
 * which is what Redis receives anyway.
 *
 * @example
 * parseCommand(['SET', 'k', 42]); // ['SET', 'k', '42']
 */
export function parseCommand(body: unknown): CommandArgs {
  if (!Array.isArray(body) || body.length === 0) {
    throw new BridgeHttpError(400, 'ERR a command must be a non-empty JSON array');
  }
  const args = body.map((item: unknown) => {
    if (typeof item === 'string') return item;
    if ((typeof item === 'number' && Number.isFinite(item)) || typeof item === 'boolean') return String(item);
    throw new BridgeHttpError(400, 'ERR command arguments must be strings, numbers or booleans');
  });
  const [name, ...rest] = args;
  if (name === undefined || name === '') throw new BridgeHttpError(400, 'ERR the command name is empty');
  return [name, ...rest];
}

/** Validates a pipeline or transaction body: a non-empty array of commands. */
export function parseCommandList(body: unknown): CommandArgs[] {
  if (!Array.isArray(body) || body.length === 0) {
    throw new BridgeHttpError(400, 'ERR a pipeline must be a non-empty JSON array of commands');
  }
  return body.map(parseCommand);
}
