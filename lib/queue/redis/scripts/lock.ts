import { defineScript } from '../redis-script.js';

/**
 * Takes (ARGV[3] = 'acquire') or gives back (ARGV[3] = 'release') a lock held by one token, e.g. so that
 * only one reconciler runs at a time. Release only deletes a lock the token still holds.
 *
 * KEYS[1] lock key
 * ARGV[1] token   ARGV[2] TTL (ms)   ARGV[3] 'acquire' | 'release'
 *
 * Returns 1 when the lock was taken or released, 0 otherwise.
 */
export const lockScript = defineScript(
  'lock',
  `
if ARGV[3] == 'acquire' then
  if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) then return 1 end
  return 0
end
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);
