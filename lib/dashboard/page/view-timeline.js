// The operations timeline: breaker states and outages as bands on a time axis, events as marks, and the
// list of what happened, newest first.
import { api, every } from './api.js';
import { bandChart } from './chart.js';
import { h, show } from './dom.js';
import { clock, dateTime } from './format.js';

const EVERY_MS = 5_000;
const SPANS = { '15 min': 900_000, '1 h': 3_600_000, '6 h': 21_600_000 };

export function renderTimeline(container) {
  const span = h(
    'select',
    {},
    Object.keys(SPANS).map((label) => h('option', { value: label, selected: label === '1 h' }, label)),
  );
  const status = h('p', { className: 'status' });
  const chart = h('div', { className: 'charts' });
  const list = h('tbody');
  show(
    container,
    h('h2', {}, 'Timeline'),
    h('p', {}, 'Show the last ', span),
    status,
    chart,
    h(
      'table',
      { className: 'grid-table events' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'when'),
          h('th', {}, 'what'),
          h('th', {}, 'container'),
          h('th', {}, 'details'),
        ),
      ),
      list,
    ),
  );
  const refresh = async () => {
    const to = Date.now();
    const from = to - SPANS[span.value];
    const [answer, health] = await Promise.all([
      api('events', { query: { since: new Date(from).toISOString(), limit: 1000 } }),
      api('health', { alsoOk: [503] }).catch(() => undefined),
    ]);
    const events = answer.events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    show(chart, bandChart({ from, to, bands: bandsOf(events, health, to), marks: marksOf(events) }));
    list.replaceChildren(...events.slice().reverse().map(eventRow));
    status.textContent = `${events.length} event(s); updated ${clock(to)}`;
  };
  span.addEventListener('change', () => refresh().catch(() => {}));
  return every(EVERY_MS, refresh, (error) => {
    status.textContent = `Could not read the timeline: ${error.message} (it is kept in Redis)`;
  });
}

/** Outages from their own events; breaker-open spans from open → closed per container; one going on now. */
function bandsOf(events, health, now) {
  const bands = [];
  const openSince = new Map();
  for (const event of events) {
    const at = Date.parse(event.at);
    if (event.kind === 'outage') {
      bands.push({
        kind: 'outage',
        from: Date.parse(event.startedAt),
        to: Date.parse(event.endedAt),
        label: `Redis unreachable ${clock(event.startedAt)}–${clock(event.endedAt)}: ${event.tasksViaSqs} task(s) via SQS`,
      });
    } else if (event.kind === 'breaker' && event.to === 'open') openSince.set(event.source, at);
    else if (event.kind === 'breaker' && event.to === 'closed' && openSince.has(event.source)) {
      bands.push({
        kind: 'breaker',
        from: openSince.get(event.source),
        to: at,
        label: `breaker open (${event.source})`,
      });
      openSince.delete(event.source);
    }
  }
  const since = health?.redis?.unreachableSince;
  if (since)
    bands.push({
      kind: 'outage',
      from: Date.parse(since),
      to: now,
      label: `Redis unreachable since ${clock(since)}`,
    });
  return bands;
}

function marksOf(events) {
  return events
    .filter((event) => event.kind !== 'breaker' && event.kind !== 'outage')
    .map((event) => ({
      at: Date.parse(event.at),
      kind: event.kind,
      label: `${clock(event.at)} ${event.kind}: ${describe(event)}`,
    }));
}

function eventRow(event) {
  return h(
    'tr',
    { dataset: { kind: event.kind } },
    h('td', {}, dateTime(event.at)),
    h('td', {}, event.kind),
    h('td', { className: 'mono' }, event.source ?? ''),
    h('td', {}, describe(event)),
  );
}

/** One line per kind, in words. */
function describe(event) {
  switch (event.kind) {
    case 'breaker':
      return `Redis breaker ${event.from} → ${event.to}`;
    case 'outage':
      return `Redis unreachable from ${clock(event.startedAt)} to ${clock(event.endedAt)}; ${event.tasksViaSqs} task(s) taken by SQS, ${event.unavailable} refused`;
    case 'failover':
      return `${event.tasks} task(s) stored in SQS between ${clock(event.at)} and ${clock(event.until)} (${event.reason})`;
    case 'unavailable':
      return `${event.tasks} enqueue(s) refused between ${clock(event.at)} and ${clock(event.until)}: no backend took them`;
    case 'journal-replayed':
      return `${event.entries} outcome(s) from the outage journal written back`;
    case 'reaped':
      return `${event.requeued} expired lease(s) requeued, ${event.dead} buried`;
    case 'dead-lettered':
      return `${event.tasks} task(s) dead (via ${event.via})`;
    case 'replayed':
      return `${event.tasks} dead task(s) replayed${event.bulk ? ' in bulk' : ''}`;
    case 'limits-unenforced':
      return `${event.tasks} limited task(s) run with this container's limits only (Redis unreachable)`;
    default:
      return JSON.stringify(event);
  }
}
