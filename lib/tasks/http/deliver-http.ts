import type { OutgoingHttpHeaders } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { errorMessage } from '../../observability/error-message.js';
import type { TaskLogger } from '../define-task.js';
import { checkDestination, type ResolveHost, withoutQuery } from './destination-guard.js';
import { encodeBody } from './encode-body.js';
import { DestinationRefusedError, HttpDeliveryError, HttpRejectedError } from './errors.js';
import type { HostAllowList } from './host-allow-list.js';
import type { HttpTaskPayload } from './http-task-payload.js';
import { type PinnedResponse, sendPinnedRequest } from './send-pinned-request.js';
import { signRequest } from './sign-request.js';

export const MAX_REDIRECTS = 3;
/** Most of a response Tandem reads; the rest is never downloaded. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** Most of a response body kept as the task's result. */
export const RESULT_BODY_BYTES = 4 * 1024;

/** What a delivered `http` task resolves with (and `GET /tasks/{id}` shows). */
export interface HttpTaskResult {
  status: number;
  /** The first 4 KB of the response body, as UTF-8 text. */
  body: string;
}

export interface DeliverHttpOptions {
  signingSecret: string;
  allowList: HostAllowList;
  taskId: string;
  attempt: number;
  signal: AbortSignal;
  resolve?: ResolveHost;
  logger?: Pick<TaskLogger, 'debug'>;
}

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: HttpTaskPayload['body'];
}

/**
 * Delivers one `http` task: guard the destination (after DNS), sign, send over a connection pinned to the
 * checked addresses, follow up to {@link MAX_REDIRECTS} redirects through the same guard.
 * 2xx resolves; 408, 429, 5xx, network failures, timeouts and aborts throw {@link HttpDeliveryError}
 * (retried); other statuses throw {@link HttpRejectedError} and refused destinations
 * {@link DestinationRefusedError} (both unrecoverable).
 */
export async function deliverHttp(
  payload: HttpTaskPayload,
  options: DeliverHttpOptions,
): Promise<HttpTaskResult> {
  let hop: Hop = {
    url: new URL(payload.url),
    method: payload.method,
    headers: payload.headers ?? {},
    body: payload.body,
  };
  for (let redirects = 0; ; redirects++) {
    const response = await send(hop, options);
    const shown = withoutQuery(hop.url);
    const location = response.headers.location;
    if (isRedirect(response.status) && location !== undefined) {
      if (redirects === MAX_REDIRECTS) {
        throw new HttpRejectedError(shown, response.status, `more than ${MAX_REDIRECTS} redirects`);
      }
      hop = redirect(hop, response.status, location);
      options.logger?.debug('http task redirected', { status: response.status, to: withoutQuery(hop.url) });
      continue;
    }
    const status = response.status;
    const text = decodeStart(response.body, RESULT_BODY_BYTES);
    if (status >= 200 && status < 300) return { status, body: text };
    const detail = [response.statusText, text.slice(0, 200)].filter(Boolean).join(': ');
    if (status === 408 || status === 429 || (status >= 500 && status < 600)) {
      throw new HttpDeliveryError(`${shown} answered ${status}${detail ? `: ${detail}` : ''}`, shown, status);
    }
    throw new HttpRejectedError(shown, status, detail);
  }
}

async function send(hop: Hop, options: DeliverHttpOptions): Promise<PinnedResponse> {
  const shown = withoutQuery(hop.url);
  const destination = await checkDestination(hop.url, options.allowList, {
    signal: options.signal,
    ...(options.resolve !== undefined && { resolve: options.resolve }),
  });
  const encoded = encodeBody(hop.body);
  const given = new Set(Object.keys(hop.headers).map((name) => name.toLowerCase()));
  const headers: OutgoingHttpHeaders = {
    ...(!given.has('user-agent') && { 'User-Agent': 'Tandem' }),
    ...(encoded && !given.has('content-type') && { 'Content-Type': encoded.defaultContentType }),
    ...hop.headers,
    ...(encoded !== undefined || hop.method !== 'GET'
      ? { 'Content-Length': String(encoded?.bytes.length ?? 0) }
      : {}),
    ...signRequest({
      secret: options.signingSecret,
      body: encoded?.bytes,
      taskId: options.taskId,
      attempt: options.attempt,
    }),
  };
  try {
    return await sendPinnedRequest(
      destination,
      { method: hop.method, headers, body: encoded?.bytes },
      { signal: options.signal, maxResponseBytes: MAX_RESPONSE_BYTES },
    );
  } catch (error) {
    const why = options.signal.aborted
      ? `aborted (${errorMessage(options.signal.reason)})`
      : errorMessage(error);
    throw new HttpDeliveryError(`${hop.method} ${shown} failed: ${why}`, shown, undefined, { cause: error });
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** The next hop, as fetch would make it: 303 (and 301/302 after POST) turn into a GET without body. */
function redirect(hop: Hop, status: number, location: string): Hop {
  const shown = withoutQuery(hop.url);
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    throw new HttpRejectedError(shown, status, `redirect to an invalid Location ${JSON.stringify(location)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DestinationRefusedError(withoutQuery(url), 'redirects may lead only to http or https URLs');
  }
  const toGet =
    (status === 303 && hop.method !== 'GET') || ((status === 301 || status === 302) && hop.method === 'POST');
  const crossOrigin = url.origin !== hop.url.origin;
  const headers = Object.fromEntries(
    Object.entries(hop.headers).filter(([name]) => {
      const lower = name.toLowerCase();
      if (toGet && lower.startsWith('content-')) return false;
      return !(crossOrigin && (lower === 'authorization' || lower === 'cookie'));
    }),
  );
  return toGet ? { url, method: 'GET', headers, body: undefined } : { ...hop, url, headers };
}

/** The first `maxBytes` as text, without a broken character at the cut. */
function decodeStart(body: Buffer, maxBytes: number): string {
  return new StringDecoder('utf8').write(body.subarray(0, maxBytes));
}
