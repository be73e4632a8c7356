/**
 * Which commands the bridge runs where. The shared Redis connection serves every request, so a command
 * that changes connection state (database, auth, transaction, subscription) would leak into other
 * requests, and a blocking command would stall all of them.
 */

// Connection-state, replication and lifecycle commands: refused, as the hosted REST API refuses them.
const REFUSED = new Set([
  'AUTH',
  'CLIENT',
  'DISCARD',
  'EXEC',
  'HELLO',
  'MONITOR',
  'MULTI',
  'PSUBSCRIBE',
  'PSYNC',
  'PUNSUBSCRIBE',
  'QUIT',
  'READONLY',
  'READWRITE',
  'REPLCONF',
  'RESET',
  'SELECT',
  'SHUTDOWN',
  'SSUBSCRIBE',
  'SUBSCRIBE',
  'SUNSUBSCRIBE',
  'SYNC',
  'UNSUBSCRIBE',
  'UNWATCH',
  'WATCH',
]);

// Commands that may wait server-side; XREAD and XREADGROUP only when given BLOCK.
const ALWAYS_BLOCKING = new Set([
  'BLMOVE',
  'BLMPOP',
  'BLPOP',
  'BRPOP',
  'BRPOPLPUSH',
  'BZMPOP',
  'BZPOPMAX',
  'BZPOPMIN',
  'WAIT',
  'WAITAOF',
]);

/** A command as the REST body carries it, with every argument already a string. */
export type CommandArgs = readonly [name: string, ...args: string[]];

/** The error text for a refused command, or `undefined` when the command may run. */
export function refusalOf(command: CommandArgs): string | undefined {
  const name = command[0].toUpperCase();
  return REFUSED.has(name) ? `ERR command ${name} is not allowed over REST` : undefined;
}

/** True when the command may block and must therefore run on a connection of its own. */
export function isBlocking(command: CommandArgs): boolean {
  const name = command[0].toUpperCase();
  if (ALWAYS_BLOCKING.has(name)) return true;
  if (name !== 'XREAD' && name !== 'XREADGROUP') return false;
  // Only options before STREAMS count: after it come key names, and a key may well be called "block".
  for (const arg of command.slice(1)) {
    const word = arg.toUpperCase();
    if (word === 'STREAMS') return false;
    if (word === 'BLOCK') return true;
  }
  return false;
}
