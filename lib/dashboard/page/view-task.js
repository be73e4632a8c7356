// One task: its fields, payload, last error and result (all shown as text), what can be done to it, and
// its own timeline.
import { api } from './api.js';
import { h, show } from './dom.js';
import { dateTime, pretty } from './format.js';
import { stateBadge } from './task-table.js';

export function renderTask(container, id) {
  const status = h('p', { className: 'status' }, 'Loading…');
  show(
    container,
    h('p', {}, h('a', { href: '#tasks' }, '← all tasks')),
    h('h2', {}, 'Task ', h('span', { className: 'mono' }, id)),
    status,
  );
  const load = async () => {
    try {
      const task = await api(`tasks/${encodeURIComponent(id)}`);
      const events = await api('events', { query: { since: task.createdAt, limit: 1000 } }).catch(() => ({
        events: [],
      }));
      show(container, ...detail(task, events.events, load));
    } catch (error) {
      status.textContent =
        error.status === 404 ? 'No such task (never stored, or its record expired).' : error.message;
    }
  };
  void load();
}

function detail(task, events, reload) {
  const field = (label, value, key) => [h('dt', {}, label), h('dd', { dataset: { field: key } }, value)];
  return [
    h('p', {}, h('a', { href: '#tasks' }, '← all tasks')),
    h('h2', {}, 'Task ', h('span', { className: 'mono' }, task.id)),
    actions(task, reload),
    h(
      'dl',
      { className: 'fields' },
      field('state', stateBadge(task.state), 'state'),
      field('type', task.type, 'type'),
      field('path', task.via === 'sqs' ? 'SQS (fallback)' : 'Redis', 'via'),
      field('attempts', `${task.attempt} of ${task.maxAttempts}`, 'attempts'),
      field('priority', task.priority ?? '—', 'priority'),
      field('idempotency key', task.idempotencyKey ?? '—', 'idempotencyKey'),
      field('created', dateTime(task.createdAt), 'createdAt'),
      field('due', dateTime(task.runAt), 'runAt'),
      field('updated', dateTime(task.updatedAt), 'updatedAt'),
    ),
    h('h3', {}, 'Last error'),
    h('pre', { className: 'value', dataset: { field: 'lastError' } }, task.lastError ?? '—'),
    h('h3', {}, 'Result'),
    h('pre', { className: 'value', dataset: { field: 'result' } }, pretty(task.result)),
    h('h3', {}, 'Payload'),
    h('pre', { className: 'value', dataset: { field: 'payload' } }, pretty(task.payload)),
    h('h3', {}, 'Its timeline'),
    h('ol', { className: 'task-timeline' }, ownTimeline(task, events)),
  ];
}

function actions(task, reload) {
  const message = h('span', { className: 'status' });
  const act = (label, run) =>
    h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          try {
            await run();
            await reload();
          } catch (error) {
            message.textContent = error.message;
          }
        },
      },
      label,
    );
  const buttons = [];
  if (task.state === 'dead')
    buttons.push(act('Replay', () => api(`dead/${encodeURIComponent(task.id)}/replay`, { method: 'POST' })));
  if (['queued', 'scheduled', 'failed'].includes(task.state)) {
    buttons.push(act('Cancel', () => api(`tasks/${encodeURIComponent(task.id)}`, { method: 'DELETE' })));
  }
  buttons.push(act('Refresh', async () => {}));
  return h('p', { className: 'actions' }, buttons, message);
}

/** What the record says happened to the task, with the timeline events that name it. */
function ownTimeline(task, events) {
  const entries = [
    { at: task.createdAt, text: `stored in ${task.via === 'sqs' ? 'SQS' : 'Redis'}` },
    { at: task.runAt, text: 'due' },
    { at: task.updatedAt, text: `${task.state} after ${task.attempt} attempt(s)` },
  ];
  for (const event of events) {
    if (Array.isArray(event.ids) && event.ids.includes(task.id))
      entries.push({ at: event.at, text: `${event.kind} (${event.bulk ? 'bulk' : 'one'})` });
  }
  entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return entries.map((entry) => h('li', {}, h('time', {}, dateTime(entry.at)), ' ', entry.text));
}
