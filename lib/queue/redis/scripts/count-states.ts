import { defineScript } from '../redis-script.js';

/**
 * Read-only: how many tasks Redis holds in each state. Most counts are set sizes; the delayed set holds
 * both scheduled tasks and failed ones waiting for their retry, so its first `scan` entries (soonest due)
 * are told apart by state and any beyond are counted as scheduled. Finished tasks count while kept.
 *
 * KEYS[1] ready   KEYS[2] delayed   KEYS[3] active   KEYS[4] dead   KEYS[5] succeeded   KEYS[6] cancelled
 * ARGV[1] task key prefix   ARGV[2] scan: delayed entries to tell apart   ARGV[3] kept since (ms): older finished tasks have expired
 *
 * Returns { queued, scheduled, running, succeeded, failed, dead, cancelled, 1 when every delayed entry was told apart else 0 }.
 */
export const countStatesScript = defineScript(
  'count-states',
  `
local taskPrefix, scan, keptSince = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local delayed = redis.call('ZCARD', KEYS[2])
local failed = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, scan - 1)) do
  if redis.call('HGET', taskPrefix .. id, 'state') == 'failed' then failed = failed + 1 end
end
local exact = 0
if delayed <= scan then exact = 1 end
return {
  redis.call('ZCARD', KEYS[1]),
  delayed - failed,
  redis.call('ZCARD', KEYS[3]),
  redis.call('ZCOUNT', KEYS[5], keptSince, '+inf'),
  failed,
  redis.call('ZCARD', KEYS[4]),
  redis.call('ZCOUNT', KEYS[6], keptSince, '+inf'),
  exact,
}
`,
);
