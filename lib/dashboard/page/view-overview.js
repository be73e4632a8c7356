// Overview: which path takes tasks, both backends' depths and oldest ages, tasks per state, and the last
// hour of depth samples as charts.
import { api, every } from './api.js';
import { lineChart } from './chart.js';
import { h, show } from './dom.js';
import { age, clock } from './format.js';

const EVERY_MS = 3_000;
const HOUR_MS = 3_600_000;
const STATES = ['queued', 'scheduled', 'running', 'succeeded', 'failed', 'dead', 'cancelled'];

export function renderOverview(container) {
  const status = h('p', { className: 'status' });
  const cards = h('div', { className: 'cards' });
  const depths = h('div');
  const counts = h('div');
  const charts = h('div', { className: 'charts' });
  show(
    container,
    h('h2', {}, 'Overview'),
    status,
    cards,
    h('h3', {}, 'Depths and oldest age'),
    depths,
    h('h3', {}, 'Tasks per state (Redis)'),
    counts,
    h('h3', {}, 'Depths over the last hour'),
    charts,
  );
  let samples = [];
  const refresh = async () => {
    const since = new Date(Date.now() - HOUR_MS).toISOString();
    const [health, queues, history] = await Promise.all([
      api('health', { alsoOk: [503] }),
      api('queues', { alsoOk: [503] }),
      // While Redis is away there is no history to read: the charts keep what they had.
      api('queues/history', { query: { since } }).catch(() => undefined),
    ]);
    if (history) samples = history.samples;
    show(cards, backendCards(health));
    show(depths, depthTable(queues));
    show(counts, countTable(queues.redis?.counts));
    show(charts, ...depthCharts(samples));
    status.textContent = `Updated ${clock(Date.now())}`;
  };
  return every(EVERY_MS, refresh, (error) => {
    status.textContent = `Could not refresh: ${error.message}`;
  });
}

function backendCards(health) {
  const card = (name, probe, extra) =>
    h(
      'div',
      { className: `card ${probe?.ok ? 'up' : 'down'}`, dataset: { backend: name } },
      h('h4', {}, name),
      h('p', {}, probe?.ok ? `answers in ${probe.latencyMs} ms` : 'does not answer'),
      extra,
    );
  const breaker = health.redis?.breaker;
  return [
    card('Redis', health.redis, h('p', { className: 'muted' }, `breaker ${breaker ?? '—'}`)),
    card('SQS', health.sqs, h('p', { className: 'muted' }, 'the fallback path')),
  ];
}

function depthTable(queues) {
  const rows = [];
  const redis = queues.redis ?? {};
  for (const set of ['ready', 'delayed', 'active', 'dead']) {
    const entry = redis.available ? redis[set] : undefined;
    rows.push(row(`Redis ${set}`, `redis.${set}`, entry?.depth, entry ? age(entry.oldestAgeMs) : '—'));
  }
  const sqs = queues.sqs ?? {};
  for (const [queue, label] of [
    ['tasks', 'SQS tasks'],
    ['deadLetters', 'SQS dead letters'],
    ['journal', 'SQS journal'],
  ]) {
    const counts = sqs.available ? sqs[queue] : undefined;
    const depth = counts ? counts.visible + counts.inFlight + counts.delayed : undefined;
    const detail = counts
      ? `${counts.visible} visible, ${counts.inFlight} in flight, ${counts.delayed} delayed`
      : '—';
    rows.push(row(label, `sqs.${queue}`, depth, detail));
  }
  return h(
    'table',
    { className: 'grid-table' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, 'where'), h('th', {}, 'depth'), h('th', {}, 'oldest age / detail')),
    ),
    h('tbody', {}, rows),
  );
}

function row(label, key, depth, detail) {
  return h(
    'tr',
    {},
    h('td', {}, label),
    h('td', { className: 'number', dataset: { depth: key } }, depth ?? 'unavailable'),
    h('td', {}, detail),
  );
}

function countTable(counts) {
  if (!counts) return h('p', { className: 'muted' }, 'Redis cannot count right now.');
  return h(
    'table',
    { className: 'grid-table counts' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        STATES.map((state) => h('th', {}, state)),
      ),
    ),
    h(
      'tbody',
      {},
      h(
        'tr',
        {},
        STATES.map((state) =>
          h('td', { className: 'number', dataset: { count: state } }, counts[state] ?? 0),
        ),
      ),
    ),
  );
}

function depthCharts(samples) {
  const to = Date.now();
  // Up to an hour: a stack that started minutes ago gets its minutes across the whole width.
  const first = samples.length > 0 ? Date.parse(samples[0].at) : to - HOUR_MS;
  const from = Math.max(to - HOUR_MS, Math.min(first, to - 60_000));
  const points = (pick) =>
    samples.flatMap((sample) => {
      const value = pick(sample);
      return typeof value === 'number' ? [[Date.parse(sample.at), value]] : [];
    });
  const sqsTotal = (counts) => (counts ? counts.visible + counts.inFlight + counts.delayed : undefined);
  return [
    lineChart({
      title: 'Redis depth',
      from,
      to,
      series: ['ready', 'delayed', 'active', 'dead'].map((set) => ({
        name: set,
        points: points((sample) => sample.redis?.[set]?.depth),
      })),
    }),
    lineChart({
      title: 'SQS depth',
      from,
      to,
      series: [
        { name: 'tasks', points: points((sample) => sqsTotal(sample.sqs?.tasks)) },
        { name: 'dead letters', points: points((sample) => sqsTotal(sample.sqs?.deadLetters)) },
      ],
    }),
    lineChart({
      title: 'Oldest ready task in Redis',
      from,
      to,
      format: age,
      series: [{ name: 'oldest ready', points: points((sample) => sample.redis?.ready?.oldestAgeMs) }],
    }),
  ];
}
