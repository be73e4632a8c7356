// A table of tasks, linking each to its detail view.
import { h } from './dom.js';
import { cut, dateTime } from './format.js';

/** A badge for a state, styled by it. */
export function stateBadge(state) {
  return h('span', { className: `badge state-${state}`, dataset: { state } }, state);
}

/** Rows of tasks as `GET /tasks` lists them. */
export function taskRows(tasks) {
  return tasks.map((task) =>
    h(
      'tr',
      { dataset: { taskId: task.id } },
      h('td', {}, h('a', { href: `#task/${encodeURIComponent(task.id)}`, className: 'mono' }, task.id)),
      h('td', {}, task.type),
      h('td', {}, stateBadge(task.state)),
      h('td', {}, task.via),
      h('td', { className: 'number' }, `${task.attempt}/${task.maxAttempts}`),
      h('td', {}, dateTime(task.createdAt)),
      h('td', {}, dateTime(task.updatedAt)),
      h('td', { className: 'error-text' }, cut(task.lastError ?? '', 60)),
    ),
  );
}

/** The table around `taskRows`. */
export function taskTable(body) {
  const heads = ['id', 'type', 'state', 'path', 'attempts', 'created', 'updated', 'last error'];
  return h(
    'table',
    { className: 'grid-table tasks' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        heads.map((head) => h('th', {}, head)),
      ),
    ),
    body,
  );
}
