import type { IncomingMessage, ServerResponse } from 'node:http';
import { BridgeHttpError } from './bridge-errors.js';
import type { StatsRecorder } from './bridge-stats.js';
import { readJsonBody } from './read-json-body.js';
import type { RedisConnections } from './redis-connections.js';
import { type RestRequest, runMultiExec, runPipeline, runSingle } from './run-rest-command.js';

/** Everything the HTTP handler needs, built once by the bridge. */
export type BridgeContext = {
  isAuthorized(authorization: string | undefined): boolean;
  connections: RedisConnections;
  recorder: StatsRecorder;
  maxBodyBytes: number;
};

const ROUTES: Record<string, (request: RestRequest) => Promise<unknown>> = {
  '/': runSingle,
  '/pipeline': runPipeline,
  '/multi-exec': runMultiExec,
};

/** The node:http request listener: answers every request with JSON, never leaves one hanging. */
export function createRequestHandler(context: BridgeContext) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    handle(context, request, response).catch((error: unknown) => {
      // handle() answers its own failures; reaching here means even that failed, e.g. a dead socket.
      response.destroy(error instanceof Error ? error : undefined);
    });
  };
}

async function handle(context: BridgeContext, request: IncomingMessage, response: ServerResponse) {
  const path = new URL(request.url ?? '/', 'http://bridge.invalid').pathname;
  context.recorder.countRequest(path);
  const abandoned = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) abandoned.abort();
  });
  try {
    if (!context.isAuthorized(request.headers.authorization)) throw new BridgeHttpError(401, 'Unauthorized');
    const route = ROUTES[path];
    if (!route) throw new BridgeHttpError(404, `ERR unknown path ${path}`);
    if (request.method !== 'POST') throw new BridgeHttpError(405, 'ERR only POST is supported');
    const body = await readJsonBody(request, context.maxBodyBytes);
    const answer = await route({
      body,
      encoding: request.headers['upstash-encoding'] === 'base64' ? 'base64' : 'utf8',
      connections: context.connections,
      abandoned: abandoned.signal,
      countCommands: context.recorder.countCommands,
    });
    send(response, 200, answer);
  } catch (error) {
    if (error instanceof BridgeHttpError) send(response, error.status, { error: error.message });
    else send(response, 500, { error: `REST bridge failure: ${(error as Error).message}` });
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  const json = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    // The rest of an oversized body is never read; closing is cheaper than draining it.
    ...(status === 413 ? { connection: 'close' } : {}),
  });
  response.end(json);
}
