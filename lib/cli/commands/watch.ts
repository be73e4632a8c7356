import type { TandemClient, TimelineEvent } from '../../client/index.js';
import type { Command } from '../cli-context.js';
import { ExitCodes } from '../exit-codes.js';
import { localTime } from '../format.js';
import { intFlag, parseFlags } from '../parse-flags.js';
import { statusText } from './status.js';

// Clear the screen and go home: each frame replaces the last on a terminal.
const REDRAW = '\u001b[H\u001b[2J';
const EVENTS_SHOWN = 8;

/** `tandem watch [--interval <s>] [--count <n>]`: the live path, depths and latest events, refreshed in place. */
export const watch: Command = async (args, context) => {
  const { values } = parseFlags('watch', args, { interval: { type: 'string' }, count: { type: 'string' } });
  const intervalMs = (intFlag('watch', 'interval', values.interval, 1, 3_600) ?? 2) * 1000;
  const count = intFlag('watch', 'count', values.count, 1, 1_000_000);
  for (let frame = 1; count === undefined || frame <= count; frame += 1) {
    const text = await frameText(context.client);
    if (context.json) context.out(JSON.stringify(text.data));
    else context.out(`${context.interactive ? REDRAW : frame > 1 ? '\n' : ''}${text.lines.join('\n')}`);
    if (frame === count || context.signal?.aborted) break;
    await pause(intervalMs, context.signal);
    if (context.signal?.aborted) break;
  }
  return ExitCodes.ok;
};

async function frameText(client: TandemClient) {
  const [health, queues, timeline] = await Promise.all([
    client.health(),
    client.queues(),
    // While Redis is away the timeline cannot be read; the frame says so and goes on.
    client.events({ limit: 1_000 }).catch(() => undefined),
  ]);
  const byTime = [...(timeline?.events ?? [])].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const events = byTime.slice(-EVENTS_SHOWN).reverse();
  const lines = [
    `Tandem — ${localTime(new Date().toISOString())}`,
    '',
    ...statusText(health, queues),
    '',
    'Latest events',
  ];
  if (!timeline) lines.push('  (the timeline is kept in Redis: unreadable while it is away)');
  else if (events.length === 0) lines.push('  none in the last hour');
  for (const event of events)
    lines.push(`  ${localTime(event.at)}  ${event.kind.padEnd(16)} ${summary(event)}`);
  return { lines, data: { health, queues, events } };
}

function summary(event: TimelineEvent): string {
  const { id: _id, kind: _kind, at: _at, source, ...fields } = event;
  const details = Object.entries(fields)
    .filter(([, value]) => typeof value !== 'object')
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(' ');
  return `${details} (${source})`;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
