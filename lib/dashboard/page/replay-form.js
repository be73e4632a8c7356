// Bulk replay: a filter, a dry run that says what would be replayed (by type and by last error), and only
// then a replay of exactly that selection, paced.
import { api } from './api.js';
import { h, show } from './dom.js';
import { clock, cut } from './format.js';

const MAX = 10_000;

export function replayForm(onReplayed) {
  const input = (name, placeholder, type = 'text') => h('input', { name, placeholder, type });
  const type = input('type', 'type');
  const error = input('error', 'error text');
  const from = input('from', 'died from', 'datetime-local');
  const to = input('to', 'died until', 'datetime-local');
  const perSecond = h('input', { name: 'perSecond', type: 'number', min: 1, max: 1000, value: 10 });
  const preview = h('div', { className: 'preview' });
  const confirm = h('button', { type: 'button', disabled: true, className: 'danger' }, 'Replay');
  let previewed;

  const request = () => {
    const body = { limit: MAX, perSecond: Number(perSecond.value) || 10 };
    if (type.value.trim()) body.type = type.value.trim();
    if (error.value.trim()) body.error = error.value.trim();
    if (from.value) body.from = new Date(from.value).toISOString();
    if (to.value) body.to = new Date(to.value).toISOString();
    return body;
  };
  const form = h(
    'form',
    { className: 'filters' },
    type,
    error,
    from,
    to,
    h('label', {}, 'per second ', perSecond),
    h('button', { type: 'submit' }, 'Preview (dry run)'),
  );
  // Any change to the filter asks for a new preview before a replay.
  form.addEventListener('input', () => {
    previewed = undefined;
    confirm.disabled = true;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    previewed = undefined;
    confirm.disabled = true;
    const body = request();
    try {
      const result = await api('dead/replay', { method: 'POST', query: { dryRun: true }, body });
      show(preview, ...previewOf(result));
      previewed = result.count > 0 ? body : undefined;
      confirm.disabled = previewed === undefined;
      confirm.textContent = `Replay ${result.count} task(s)`;
    } catch (failure) {
      show(preview, h('p', { className: 'error' }, `Preview failed: ${failure.message}`));
    }
  });
  confirm.addEventListener('click', async () => {
    if (!previewed) return;
    confirm.disabled = true;
    try {
      const result = await api('dead/replay', { method: 'POST', body: previewed });
      const last = result.lastStartAt ? `; the last starts at ${clock(result.lastStartAt)}` : '';
      show(
        preview,
        h(
          'p',
          { className: 'done', dataset: { replayed: result.replayed.length } },
          `Replayed ${result.replayed.length} task(s)${last}.`,
        ),
      );
      previewed = undefined;
      await onReplayed();
    } catch (failure) {
      show(preview, h('p', { className: 'error' }, `Replay failed: ${failure.message}`));
    }
  });
  return h('div', { className: 'bulk' }, form, preview, confirm);
}

function previewOf(result) {
  if (result.count === 0)
    return [h('p', { dataset: { wouldReplay: 0 } }, 'No dead task matches: nothing would be replayed.')];
  const seconds = Math.ceil(result.count / result.perSecond);
  const partial = result.redisReachable
    ? ''
    : ' Redis is unreachable: only SQS dead letters are counted, and a replay waits for Redis.';
  return [
    h(
      'p',
      { dataset: { wouldReplay: result.count } },
      `${result.count} task(s) would be replayed, over about ${seconds} s (${result.perSecond} per second).${partial}`,
    ),
    h(
      'table',
      { className: 'grid-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'type'), h('th', {}, 'tasks'))),
      h(
        'tbody',
        {},
        Object.entries(result.byType).map(([name, count]) =>
          h('tr', {}, h('td', {}, name), h('td', { className: 'number' }, count)),
        ),
      ),
    ),
    h(
      'table',
      { className: 'grid-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'last error'), h('th', {}, 'tasks'))),
      h(
        'tbody',
        {},
        result.byError
          .slice(0, 10)
          .map(({ error, count }) =>
            h(
              'tr',
              {},
              h('td', { className: 'error-text' }, cut(error, 120)),
              h('td', { className: 'number' }, count),
            ),
          ),
      ),
    ),
  ];
}
