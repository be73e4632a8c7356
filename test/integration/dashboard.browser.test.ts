import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasks } from '../../functions/tasks.js';
import { createTandemClient, type TandemClient } from '../../lib/client/index.js';
import { silentLogger } from '../../lib/observability/logger.js';
import { type LocalStack, startLocalStack } from '../../local/index.js';
import { launchChromium, type TestBrowser } from '../support/chromium.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// The dashboard in real Chromium (Debian's, driven by playwright-core) against the local stack. With
// UPDATE_SCREENSHOTS=1 the screenshots replace those in docs/screenshots (shown in the README).

const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(import.meta.dirname, '..', '..', 'docs', 'screenshots')
  : mkdtempSync(join(tmpdir(), 'tandem-shots-'));
const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

let redis: RedisServer;
let receiver: WebhookReceiver;
let stack: LocalStack;
let browser: TestBrowser;
let api: TandemClient;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  redis = await startRedisServer();
  receiver = await startWebhookReceiver();
  stack = await startLocalStack({
    tasks,
    env: {
      PORT: '0',
      REDIS_URL: redis.url,
      RECONCILE_EVERY_MS: '500',
      TANDEM_HTTP_ALLOWED_HOSTS: '127.0.0.1',
      QUEUE_NAME: `ui-${randomBytes(4).toString('hex')}`,
    },
    logger: silentLogger,
    print: () => {},
    eventSource: { waitSeconds: 1 },
  });
  api = createTandemClient({ url: stack.url, token: stack.token });
  browser = await launchChromium();
});
afterAll(async () => {
  redis?.resume();
  await browser?.close();
  await stack?.stop();
  await receiver?.close();
  await redis?.stop();
});

/** A page signed in with the stack's token (pasted into the prompt, as an operator does). */
async function signedIn(hash = 'overview'): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${stack.url}/dashboard`);
  await page.fill('#token-input', stack.token);
  await page.click('#token-form button[type=submit]');
  await page.waitForSelector('#nav:not([hidden])');
  await go(page, `#${hash}`);
  return page;
}

/** Runs `expression` in the page (as text: the tests type-check without the browser's globals). */
const inPage = <T = unknown>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;
const go = (page: Page, hash: string) => inPage(page, `window.location.hash = ${JSON.stringify(hash)}`);

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

describe('the dashboard in Chromium', () => {
  it('asks for a token, refuses a wrong one, keeps the right one in sessionStorage only', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${stack.url}/dashboard`);
    await page.waitForSelector('#token-form');
    expect(await page.isHidden('#nav')).toBe(true);
    await shot(page, 'token-prompt');

    await page.fill('#token-input', 'wrong-token-0123456789abcdef');
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#token-error:text("refused")');
    expect(await page.isHidden('#nav')).toBe(true);

    await page.fill('#token-input', stack.token);
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#nav:not([hidden])');
    expect(await inPage(page, "sessionStorage.getItem('tandem.token')")).toBe(stack.token);
    expect(page.url()).not.toContain(stack.token);
    expect(await inPage(page, 'localStorage.length')).toBe(0);

    // A token that stops working (rotated away) brings the prompt back on the next call.
    await inPage(page, "sessionStorage.setItem('tandem.token', 'rotated-away-0123456789abcdef')");
    await page.waitForSelector('#token-form', { timeout: 5_000 });
    expect(await page.textContent('#token-error')).toContain('refused');
    await page.close();
  });

  it('shows the overview: the live path, depths of both backends and counts per state', async () => {
    for (let n = 0; n < 3; n += 1) {
      await api.enqueue('echo', { message: `later ${n}` }, { delaySeconds: 3_600 });
    }
    const page = await signedIn('overview');
    await page.waitForSelector('[data-depth="redis.delayed"]:text-is("3")');
    expect(await page.textContent('#live [data-path]')).toBe('Redis');
    expect(await page.textContent('[data-count="scheduled"]')).toBe('3');
    // The task queue holds one message: the wake-up armed for the delayed tasks (15 minutes, then re-armed).
    expect(await page.textContent('[data-depth="sqs.tasks"]')).toBe('1');
    expect(await page.isHidden('#banner')).toBe(true);
    // The reconciler's samples draw the charts (one a pass): the next one holds the three delayed tasks.
    await stack.reconcileNow();
    await page.waitForSelector('svg[aria-label="Redis depth"] text.tick:text-is("3")', { timeout: 10_000 });
    await shot(page, 'overview');
    await page.close();
  });

  it('shows an outage as a banner within 5 s, and as a band on the timeline after recovery', async () => {
    const page = await signedIn('overview');
    await page.waitForSelector('#live [data-path="redis"]');
    redis.pause();
    let resumed = false;
    try {
      const paused = Date.now();
      await page.waitForSelector('#banner:not([hidden])', { timeout: 5_000 });
      expect(Date.now() - paused).toBeLessThan(5_000);
      expect(await page.textContent('#banner')).toMatch(
        /^Redis unreachable since \d\d:\d\d:\d\d, accepting via SQS$/,
      );
      expect(await page.textContent('#live [data-path]')).toBe('SQS (fallback)');
      expect((await api.enqueue('echo', { message: 'during the outage' })).via).toBe('sqs');
      await page.waitForSelector('[data-backend="Redis"].down');
      await shot(page, 'outage-banner');
    } finally {
      redis.resume();
      resumed = true;
    }
    expect(resumed).toBe(true);
    await page.waitForSelector('#banner', { state: 'hidden', timeout: 10_000 });
    await go(page, '#timeline');
    await page.selectOption('[data-view="timeline"] select', '15 min');
    await page.waitForSelector('[data-band="outage"]', { timeout: 10_000 });
    await page.waitForSelector('tr[data-kind="outage"]');
    expect(await page.textContent('tr[data-kind="outage"]')).toMatch(/1 task\(s\) taken by SQS/);
    await shot(page, 'timeline');
    await page.close();
  });

  it('replays a dead task from the page, after a dry-run preview, and then shows it succeeded', async () => {
    const path = receiver.path('ui-dead');
    receiver.answer(path, 400, { body: 'unknown customer' });
    const { id } = await api.enqueue('http', { url: receiver.url(path) });
    await waitFor(async () => (await api.getTask(id))?.state === 'dead', 'the webhook to be buried');

    const page = await signedIn('dead');
    const row = `tr[data-task-id="${id}"]`;
    await page.waitForSelector(row);
    expect(await page.textContent(`${row} .error-text`)).toContain('400');
    await page.fill('.bulk input[name="type"]', 'http');
    await page.click('.bulk button[type=submit]');
    await page.waitForSelector('[data-would-replay="1"]');
    expect(await page.isEnabled('.bulk button.danger')).toBe(true);
    await shot(page, 'dead-preview');
    expect((await api.getTask(id))?.state).toBe('dead'); // the preview replayed nothing

    receiver.answer(path, 200);
    await page.click(`${row} button.replay`);
    await page.waitForSelector(row, { state: 'detached' });
    await go(page, `#task/${id}`);
    await waitFor(
      async () => {
        await page.click('button:text("Refresh")');
        return (await page.textContent('[data-field="state"]')) === 'succeeded';
      },
      'the task view to show it succeeded',
      { timeoutMs: 10_000, intervalMs: 300 },
    );
    expect(receiver.hits(path)).toBe(2);
    await page.close();
  });

  it('renders a payload, an error and a result that hold HTML or script as text', async () => {
    const echoed = await api.enqueue('echo', { message: HOSTILE });
    const path = receiver.path('ui-hostile');
    receiver.answer(path, 400, { body: HOSTILE });
    const buried = await api.enqueue('http', { url: receiver.url(path), body: { note: HOSTILE } });
    await waitFor(async () => (await api.getTask(echoed.id))?.state === 'succeeded', 'the echo to succeed');
    await waitFor(async () => (await api.getTask(buried.id))?.state === 'dead', 'the webhook to die');

    const page = await signedIn(`task/${echoed.id}`);
    await page.waitForSelector('[data-field="payload"]');
    expect(await page.textContent('[data-field="payload"]')).toContain(HOSTILE.replaceAll('"', '\\"'));
    expect(await page.textContent('[data-field="result"]')).toContain('<script>window.__pwned=2</script>');
    await shot(page, 'task-detail');
    await go(page, `#task/${buried.id}`);
    await page.waitForSelector('[data-field="lastError"]:has-text("<img src=x")');
    await go(page, '#tasks');
    await page.waitForSelector(`tr[data-task-id="${buried.id}"]`);

    expect(await inPage(page, 'window.__pwned')).toBeUndefined();
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    // The policy holds even for script someone manages to insert: no inline script runs.
    await inPage(
      page,
      `{ const inserted = document.createElement('script'); inserted.textContent = 'window.__inline = true'; document.body.append(inserted); }`,
    );
    expect(await inPage(page, 'window.__inline')).toBeUndefined();
    await page.close();
  });
});
