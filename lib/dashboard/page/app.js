// The dashboard's shell: the token prompt, the live-path bar and banner (always on), and one view at a time
// chosen by the address's #fragment.
import { api, every, token } from './api.js';
import { h, show } from './dom.js';
import { clock } from './format.js';
import { renderDead } from './view-dead.js';
import { renderOverview } from './view-overview.js';
import { renderTask } from './view-task.js';
import { renderTasks } from './view-tasks.js';
import { renderTimeline } from './view-timeline.js';

const views = {
  overview: renderOverview,
  tasks: renderTasks,
  task: renderTask,
  dead: renderDead,
  timeline: renderTimeline,
};
const HEALTH_EVERY_MS = 2_000;
const $ = (id) => document.getElementById(id);
let stopView = () => {};
let stopHealth = () => {};

function showPrompt(message = '') {
  stopView();
  stopHealth();
  for (const id of ['nav', 'live', 'banner', 'sign-out']) $(id).hidden = true;
  const form = $('prompt-template').content.firstElementChild.cloneNode(true);
  show($('main'), form);
  form.querySelector('#token-error').textContent = message;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = form.querySelector('#token-input').value.trim();
    if (!value) return;
    token.set(value);
    try {
      await api('health', { alsoOk: [503] });
      start();
    } catch {
      // A 401 has brought the prompt back already, with its own message.
    }
  });
  form.querySelector('#token-input').focus();
}

function start() {
  for (const id of ['nav', 'live', 'sign-out']) $(id).hidden = false;
  stopHealth = every(HEALTH_EVERY_MS, refreshHealth, () => showLive({ redis: {}, sqs: {} }, true));
  route();
}

async function refreshHealth() {
  showLive(await api('health', { alsoOk: [503] }), false);
}

/** Which path takes tasks now, and the banner while Redis is away. */
function showLive(health, unreachable) {
  const redisUp = health.redis?.ok === true;
  const sqsUp = health.sqs?.ok === true;
  const path = unreachable ? 'unknown' : redisUp ? 'redis' : sqsUp ? 'sqs' : 'none';
  const label = {
    redis: 'Redis',
    sqs: 'SQS (fallback)',
    none: 'nothing accepts tasks',
    unknown: 'API unreachable',
  };
  show($('live'), 'Live path: ', h('strong', { dataset: { path } }, label[path]));
  const banner = $('banner');
  banner.hidden = path === 'redis';
  if (path === 'redis') return;
  const since = health.redis?.unreachableSince;
  const when = since ? ` since ${clock(since)}` : '';
  const text = {
    sqs: `Redis unreachable${when}, accepting via SQS`,
    none: `Redis unreachable${when}, and SQS does not answer either: enqueues fail (503)`,
    unknown: 'The API does not answer',
  };
  banner.dataset.path = path;
  banner.textContent = text[path];
}

function route() {
  stopView();
  const [name = 'overview', ...rest] = window.location.hash.replace(/^#/, '').split('/');
  const view = views[name] ?? views.overview;
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('current', link.dataset.view === (name === 'task' ? 'tasks' : name));
  }
  const container = h('section', { className: 'view', dataset: { view: name } });
  show($('main'), container);
  stopView = view(container, decodeURIComponent(rest.join('/'))) ?? (() => {});
}

window.addEventListener('tandem:unauthorized', () =>
  showPrompt('The API refused that token. Paste it again.'),
);
window.addEventListener('hashchange', () => {
  if (token.get()) route();
});
$('sign-out').addEventListener('click', () => {
  token.clear();
  showPrompt();
});
if (token.get()) start();
else showPrompt();
