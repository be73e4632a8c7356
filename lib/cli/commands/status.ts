import type { HealthReport, QueueDepths } from '../../client/index.js';
import type { Command } from '../cli-context.js';
import { ExitCodes } from '../exit-codes.js';
import { age, localTime } from '../format.js';
import { parseFlags } from '../parse-flags.js';

/** Which path takes tasks now. */
export type LivePath = 'redis' | 'sqs' | 'none';

export const livePath = (health: HealthReport): LivePath =>
  health.redis.ok ? 'redis' : health.sqs.ok ? 'sqs' : 'none';

/** `tandem status`: the live path, both backends' depths, tasks per state. Exit 5 when no path accepts. */
export const status: Command = async (args, { client, json, out }) => {
  parseFlags('status', args, {});
  const [health, queues] = await Promise.all([client.health(), client.queues()]);
  const live = livePath(health);
  out(json ? JSON.stringify({ live, health, queues }, null, 2) : statusText(health, queues).join('\n'));
  return live === 'none' ? ExitCodes.unavailable : ExitCodes.ok;
};

/** The lines of `status` (and of each `watch` frame). */
export function statusText(health: HealthReport, queues: QueueDepths): string[] {
  const live = livePath(health);
  const since = health.redis.unreachableSince ? ` since ${localTime(health.redis.unreachableSince)}` : '';
  const headline = {
    redis: 'Redis',
    sqs: `SQS (fallback): Redis unreachable${since}, accepting via SQS`,
    none: `none: Redis unreachable${since} and SQS does not answer; enqueues fail`,
  }[live];
  const lines = [
    `Live path   ${headline}`,
    `Backends    Redis ${health.redis.ok ? `${health.redis.latencyMs} ms` : 'down'}, breaker ${health.redis.breaker}; SQS ${health.sqs.ok ? `${health.sqs.latencyMs} ms` : 'down'}`,
  ];
  const { redis, sqs } = queues;
  if (redis.available) {
    const set = (name: 'ready' | 'delayed' | 'active' | 'dead') =>
      `${name} ${redis[name].depth}${redis[name].depth > 0 ? ` (oldest ${age(redis[name].oldestAgeMs)})` : ''}`;
    lines.push(
      `Redis       ${['ready', 'delayed', 'active', 'dead'].map((name) => set(name as 'ready')).join(' · ')}`,
    );
    if (redis.counts) {
      const { exact, ...counts } = redis.counts;
      lines.push(
        `States      ${Object.entries(counts)
          .map(([state, count]) => `${state} ${count}`)
          .join(' · ')}${exact ? '' : ' (approximate)'}`,
      );
    }
  } else lines.push('Redis       unavailable');
  if (sqs.available) {
    const total = (counts: { visible: number; inFlight: number; delayed: number }) =>
      counts.visible + counts.inFlight + counts.delayed;
    lines.push(
      `SQS         tasks ${total(sqs.tasks)} · dead letters ${total(sqs.deadLetters)} · journal ${total(sqs.journal)}`,
    );
  } else lines.push('SQS         unavailable');
  return lines;
}
