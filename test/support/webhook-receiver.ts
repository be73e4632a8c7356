import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook target on loopback for the built-in `http` task: counts requests, answers as told. */
export interface WebhookReceiver {
  url(path: string): string;
  /** A path no other test uses. */
  path(label: string): string;
  /** Answer `status` on `path` (with `body`, after `delayMs`). Default: 200 `done` at once. */
  answer(path: string, status: number, options?: { delayMs?: number; body?: string } | number): void;
  /** Requests received on `path`. */
  hits(path: string): number;
  /** Responses fully sent on `path`. */
  completed(path: string): number;
  close(): Promise<void>;
}

/**
 * Starts a receiver on 127.0.0.1 and a free port; an `http` task may call it when
 * `TANDEM_HTTP_ALLOWED_HOSTS` names `127.0.0.1`.
 *
 * @example
 * const receiver = await startWebhookReceiver();
 * const path = receiver.path('hook');
 * receiver.answer(path, 400, { body: 'no such customer' });
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const hits = new Map<string, number>();
  const completed = new Map<string, number>();
  const answers = new Map<string, { status: number; delayMs: number; body: string }>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    req.resume();
    req.on('end', () => {
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const { status, delayMs, body } = answers.get(path) ?? { status: 200, delayMs: 0, body: 'done' };
      setTimeout(() => {
        res.statusCode = status;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(body, () => completed.set(path, (completed.get(path) ?? 0) + 1));
      }, delayMs);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => `${base}${path}`,
    path: (label) => `/${label}/${randomBytes(4).toString('hex')}`,
    answer(path, status, options = {}) {
      const { delayMs = 0, body = 'done' } = typeof options === 'number' ? { delayMs: options } : options;
      answers.set(path, { status, delayMs, body });
    },
    hits: (path) => hits.get(path) ?? 0,
    completed: (path) => completed.get(path) ?? 0,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
