// Tasks: filter by state and type, search by id, idempotency key or payload text, a page at a time.
import { api } from './api.js';
import { h, show } from './dom.js';
import { taskRows, taskTable } from './task-table.js';

const STATES = ['', 'queued', 'scheduled', 'running', 'succeeded', 'failed', 'dead', 'cancelled'];
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export function renderTasks(container) {
  const state = h(
    'select',
    { name: 'state' },
    STATES.map((value) => h('option', { value }, value || 'any state')),
  );
  const type = h('input', { name: 'type', placeholder: 'type', size: 14 });
  const search = h('input', { name: 'search', placeholder: 'id, idempotency key or payload text', size: 36 });
  const status = h('p', { className: 'status' });
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  const form = h(
    'form',
    { className: 'filters' },
    state,
    type,
    search,
    h('button', { type: 'submit' }, 'Show'),
  );
  show(container, h('h2', {}, 'Tasks'), form, status, taskTable(body), more);

  let cursor = null;
  let query = {};
  const load = async (append) => {
    status.textContent = 'Loading…';
    try {
      const page = await api('tasks', {
        query: { ...query, limit: 50, cursor: append ? cursor : undefined },
      });
      if (!append) body.replaceChildren();
      body.append(...taskRows(page.tasks));
      cursor = page.cursor;
      more.hidden = cursor === null;
      status.textContent = body.children.length === 0 ? 'No tasks match.' : `${body.children.length} shown`;
    } catch (error) {
      status.textContent = `Could not list tasks: ${error.message}`;
    }
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = search.value.trim();
    query = { state: state.value, type: type.value.trim() };
    if (text && (await openMatch(text))) return;
    if (text) query.q = text;
    await load(false);
  });
  more.addEventListener('click', () => load(true));
  void load(false);
}

/** A search that names one task (its id, or its idempotency key) opens it; else it searches payloads. */
async function openMatch(text) {
  if (ID.test(text)) {
    const found = await api(`tasks/${encodeURIComponent(text)}`).catch(() => undefined);
    if (found) {
      window.location.hash = `#task/${encodeURIComponent(found.id)}`;
      return true;
    }
  }
  const byKey = await api('tasks', { query: { idempotencyKey: text } }).catch(() => undefined);
  const task = byKey?.tasks?.[0];
  if (task) window.location.hash = `#task/${encodeURIComponent(task.id)}`;
  return task !== undefined;
}
