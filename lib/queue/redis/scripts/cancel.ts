import { defineScript } from '../redis-script.js';

/**
 * Cancels a task that is not running and not finished.
 *
 * KEYS[1] ready   KEYS[2] delayed   KEYS[3] cancelled
 * ARGV[1] task key   ARGV[2] id   ARGV[3] now (ms)   ARGV[4] TTL of the cancelled record (ms)
 *
 * Returns 'cancelled', 'not_found', 'running' or 'finished'.
 */
export const cancelScript = defineScript(
  'cancel',
  `
local key, id, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local state = redis.call('HGET', key, 'state')
if not state then return 'not_found' end
if state == 'running' then return 'running' end
if state == 'succeeded' or state == 'dead' or state == 'cancelled' then return 'finished' end
redis.call('ZREM', KEYS[1], id)
redis.call('ZREM', KEYS[2], id)
redis.call('HSET', key, 'state', 'cancelled', 'updatedAt', now)
redis.call('PEXPIRE', key, tonumber(ARGV[4]))
redis.call('ZADD', KEYS[3], now, id)
return 'cancelled'
`,
);
