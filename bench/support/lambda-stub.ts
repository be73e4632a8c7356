import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Lambda's Invoke API on a loopback port, for the wake-ups a bench run sends: the SDK
 * reaches it through `AWS_ENDPOINT_URL_LAMBDA`. It answers every asynchronous invoke with 202, as Lambda
 * does when it has queued the event, and counts them; it runs nothing.
 */
export interface LambdaStub {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Invokes received since the start or the last `reset()`, by function name. */
  invokes(): Record<string, number>;
  reset(): void;
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations/;

export async function startLambdaStub(): Promise<LambdaStub> {
  const counts = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const name = INVOKE_PATH.exec(request.url ?? '')?.[1];
      if (request.method !== 'POST' || name === undefined) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not an invoke"}');
        return;
      }
      const functionName = decodeURIComponent(name);
      counts.set(functionName, (counts.get(functionName) ?? 0) + 1);
      response.writeHead(202, { 'content-type': 'application/json' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    invokes: () => Object.fromEntries(counts),
    reset: () => counts.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
