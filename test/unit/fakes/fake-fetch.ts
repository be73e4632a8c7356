import type { FetchLike } from '../../../lib/client/create-requester.js';

/** One request as the fake received it; `body` is parsed from JSON when there is one. */
export interface SentRequest {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
  signal: AbortSignal | undefined;
}

export type Answer = (request: SentRequest) => Response | Promise<Response>;

/**
 * A `fetch` of our own for client tests: records what it was sent and answers with `answer`
 * (default: 200 `{}`). No network.
 *
 * @example
 * const { fetch, sent } = fakeFetch(() => json(202, { id: 't-1', state: 'queued', via: 'redis', duplicate: false }));
 */
export function fakeFetch(answer: Answer = () => json(200, {})): { fetch: FetchLike; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const fetch: FetchLike = async (url, init) => {
    const text = typeof init.body === 'string' ? init.body : undefined;
    const request: SentRequest = {
      url,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: text === undefined ? undefined : JSON.parse(text),
      signal: init.signal ?? undefined,
    };
    sent.push(request);
    return answer(request);
  };
  return { fetch, sent };
}

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** The API's error body. */
export function apiError(status: number, error: Record<string, unknown>, headers?: Record<string, string>) {
  return json(status, { error }, headers);
}
