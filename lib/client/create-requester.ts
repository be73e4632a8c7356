import type { ApiAnswer } from './api-error-from.js';
import { TandemNetworkError, TandemTimeoutError } from './errors.js';

/** What the client needs of `fetch`; the global one fits, and so does a test's own. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface RequesterOptions {
  /** The API's base URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com`; a path prefix is kept. */
  url: string;
  token: string;
  fetch: FetchLike;
  timeoutMs: number;
}

export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  query?: Record<string, string | number | undefined>;
}

/** Sends one request and resolves with the answer, whatever its status; rejects only when none came. */
export type Requester = (method: string, path: string, options?: RequestOptions) => Promise<ApiAnswer>;

/**
 * The one place requests are made: the base URL joined with the path, the bearer token, JSON in and
 * out, and one deadline over the whole exchange (headers and body), enforced even on a `fetch` that
 * ignores its abort signal.
 *
 * @throws TypeError at creation for a URL that is not http(s) or a token that is empty or has spaces
 * @example
 * const request = createRequester({ url, token, fetch: globalThis.fetch, timeoutMs: 10_000 });
 * const { status, body } = await request('GET', `/tasks/${encodeURIComponent(id)}`);
 */
export function createRequester({ url, token, fetch, timeoutMs }: RequesterOptions): Requester {
  const base = baseUrlOf(url);
  if (!/^\S+$/.test(token)) throw new TypeError('token must be a non-empty string without spaces');
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('timeoutMs must be above 0');

  return async (method, path, { body, query } = {}) => {
    const target = `${base}${path}${queryString(query)}`;
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) };
    return withDeadline(timeoutMs, `${method} ${path}`, async (signal) => {
      const response = await fetch(target, { ...init, signal });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: parseJson(text) };
    });
  };
}

/**
 * Runs `exchange` under an abort signal that fires after `timeoutMs`, and stops waiting then even if
 * `exchange` does not react to it: a late answer is dropped, never mistaken for a success.
 */
async function withDeadline<T>(
  timeoutMs: number,
  what: string,
  exchange: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TandemTimeoutError(timeoutMs, `${what}: no answer within ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([exchange(controller.signal), deadline]);
  } catch (error) {
    if (error instanceof TandemTimeoutError) throw error;
    if (controller.signal.aborted) throw controller.signal.reason;
    throw new TandemNetworkError(`${what}: the request failed: ${messageOf(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function baseUrlOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new TypeError(`url is not a URL: ${JSON.stringify(url)}`, { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`url must be http or https, not ${parsed.protocol}`);
  }
  if (parsed.search !== '' || parsed.hash !== '')
    throw new TypeError('url must not have a query or fragment');
  return parsed.href.replace(/\/+$/, '');
}

function queryString(query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The body as JSON, or `undefined` when it is empty or not JSON (the caller decides what that means). */
function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
