import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';

/**
 * Finds leases that expired (the consumer crashed or overran) and makes their tasks runnable again,
 * or dead when the attempt that stalled was the last. Tasks SQS owns are only released: SQS redelivers them.
 *
 * KEYS[1] active   KEYS[2] ready   KEYS[3] dead
 * ARGV[1] task key prefix   ARGV[2] now (ms)   ARGV[3] max tasks
 *
 * Returns { requeued ids, dead ids }.
 */
export const reapExpiredScript = defineScript(
  'reap-expired',
  LUA_SHARED +
    `
local requeued, dead = reapLeases(KEYS[1], KEYS[2], KEYS[3], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
return { requeued, dead }
`,
);
