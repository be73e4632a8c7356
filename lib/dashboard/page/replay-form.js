// Bulk replay: a filter, a dry run that says what would be replayed (by type and by last error), and only
// then a replay of exactly that selection, paced.
import { api } from './api.js';
import { h, show } from './dom.js';
import { clock, cut } from './format.js';

const MAX = 10_000;

export function replayForm(onReplayed) {
  const input = (name, placeholder, type = 'text') => h('input', { name, placeholder, type });
  const fields = {
    type: input('type', 'type'),
    error: input('error', 'error text'),
    from: input('from', 'died from', 'datetime-local'),
    to: input('to', 'died until', 'datetime-local'),
    perSecond: h('input', { name: 'perSecond', type: 'number', min: 1, max: 1000, value: 10 }),
  };
  const state = {
    preview: h('div', { className: 'preview' }),
    confirm: h('button', { type: 'button', disabled: true, className: 'danger' }, 'Replay'),
    /** The request the shown preview answered: the only one a replay may send. */
    previewed: undefined,
  };
  const form = h(
    'form',
    { className: 'filters' },
    fields.type,
    fields.error,
    fields.from,
    fields.to,
    h('label', {}, 'per second ', fields.perSecond),
    h('button', { type: 'submit' }, 'Preview (dry run)'),
  );
  // Any change to the filter asks for a new preview before a replay.
  form.addEventListener('input', () => {
    state.previewed = undefined;
    state.confirm.disabled = true;
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void runPreview(state, requestOf(fields));
  });
  state.confirm.addEventListener('click', () => void runReplay(state, onReplayed));
  return h('div', { className: 'bulk' }, form, state.preview, state.confirm);
}

/** The body of `POST /dead/replay` for what the form says. */
function requestOf(fields) {
  const body = { limit: MAX, perSecond: Number(fields.perSecond.value) || 10 };
  if (fields.type.value.trim()) body.type = fields.type.value.trim();
  if (fields.error.value.trim()) body.error = fields.error.value.trim();
  if (fields.from.value) body.from = new Date(fields.from.value).toISOString();
  if (fields.to.value) body.to = new Date(fields.to.value).toISOString();
  return body;
}

async function runPreview(state, body) {
  state.previewed = undefined;
  state.confirm.disabled = true;
  try {
    const result = await api('dead/replay', { method: 'POST', query: { dryRun: true }, body });
    show(state.preview, ...previewOf(result));
    state.previewed = result.count > 0 ? body : undefined;
    state.confirm.disabled = state.previewed === undefined;
    state.confirm.textContent = `Replay ${result.count} task(s)`;
  } catch (failure) {
    show(state.preview, h('p', { className: 'error' }, `Preview failed: ${failure.message}`));
  }
}

async function runReplay(state, onReplayed) {
  if (!state.previewed) return;
  state.confirm.disabled = true;
  try {
    const result = await api('dead/replay', { method: 'POST', body: state.previewed });
    const last = result.lastStartAt ? `; the last starts at ${clock(result.lastStartAt)}` : '';
    const text = `Replayed ${result.replayed.length} task(s)${last}.`;
    show(state.preview, h('p', { className: 'done', dataset: { replayed: result.replayed.length } }, text));
    state.previewed = undefined;
    await onReplayed();
  } catch (failure) {
    show(state.preview, h('p', { className: 'error' }, `Replay failed: ${failure.message}`));
  }
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
