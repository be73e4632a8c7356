// Dead tasks: why each died, replay one, and bulk replay by filter, only after a dry-run preview.
import { api } from './api.js';
import { h, show } from './dom.js';
import { cut, dateTime } from './format.js';
import { replayForm } from './replay-form.js';

export function renderDead(container) {
  const status = h('p', { className: 'status' }, 'Loading…');
  const body = h('tbody');
  const heads = ['id', 'type', 'attempts', 'died', 'last error', 'kept in', ''];
  const table = h(
    'table',
    { className: 'grid-table dead' },
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
  const load = async () => {
    try {
      const dead = await api('dead', { query: { limit: 200 } });
      body.replaceChildren(...dead.tasks.map((task) => deadRow(task, status, load)));
      const partial = dead.redisReachable ? '' : ' (Redis is unreachable: SQS dead letters only)';
      status.textContent =
        dead.tasks.length === 0 ? `No dead tasks${partial}.` : `${dead.tasks.length} dead${partial}`;
    } catch (error) {
      status.textContent = `Could not list dead tasks: ${error.message}`;
    }
  };
  show(container, h('h2', {}, 'Dead tasks'), status, table, h('h3', {}, 'Bulk replay'), replayForm(load));
  void load();
}

function deadRow(task, status, reload) {
  const replay = h('button', { type: 'button', className: 'replay', disabled: task.type === null }, 'Replay');
  replay.addEventListener('click', async () => {
    replay.disabled = true;
    try {
      await api(`dead/${encodeURIComponent(task.id)}/replay`, { method: 'POST' });
      status.textContent = `Replayed ${task.id}.`;
      await reload();
    } catch (error) {
      status.textContent = `Could not replay ${task.id}: ${error.message}`;
      replay.disabled = false;
    }
  });
  return h(
    'tr',
    { dataset: { taskId: task.id } },
    h(
      'td',
      {},
      task.type === null
        ? h('span', { className: 'mono' }, task.id)
        : h('a', { href: `#task/${encodeURIComponent(task.id)}`, className: 'mono' }, task.id),
    ),
    h('td', {}, task.type ?? '(not a task)'),
    h('td', { className: 'number' }, task.attempt),
    h('td', {}, dateTime(task.diedAt)),
    h('td', { className: 'error-text', title: task.lastError }, cut(task.lastError, 100)),
    h('td', {}, task.foundIn.join(', ')),
    h('td', {}, replay),
  );
}
