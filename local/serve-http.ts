import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { LocalStackError } from './errors.js';

export interface HttpListener {
  /** e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly port: number;
  /**
   * Stops accepting connections and waits up to `graceMs` for requests in progress (an enqueue that has
   * not answered yet must get its answer), then drops what is left.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Serves a fetch-style app (the Hono API) on `host:port` through `@hono/node-server`.
 *
 * @example
 * const http = await serveHttp(createApiApp(runtime).fetch, 3000, '127.0.0.1');
 */
export async function serveHttp(
  fetch: (request: Request) => Response | Promise<Response>,
  port: number,
  host: string,
): Promise<HttpListener> {
  const server = createAdaptorServer({ fetch, hostname: host }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? `port ${port} is in use: set PORT to another port (0 picks a free one)`
          : error.message;
      reject(
        new LocalStackError(`the HTTP API could not listen on ${host}:${port}: ${reason}`, { cause: error }),
      );
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    async close(graceMs = 10_000) {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
