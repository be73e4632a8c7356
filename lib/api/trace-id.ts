/** What a trace id may look like: it travels in the task envelope (at most 128 characters) and into logs. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/;

/**
 * The trace id for a request: the X-Ray root (`X-Amzn-Trace-Id: Root=1-…;Parent=…`), else the W3C
 * `traceparent` trace id, else the request id. Header values that do not look like ids are ignored,
 * since they are caller-controlled and end up in stored envelopes and log lines.
 *
 * @example
 * traceIdFrom(request.headers, 'req-1'); // '1-5759e988-bd862e3fe1be46a994272793'
 */
export function traceIdFrom(headers: Pick<Headers, 'get'>, requestId: string): string {
  const amzn = headers.get('x-amzn-trace-id');
  const root = amzn
    ?.split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith('Root='))
    ?.slice('Root='.length);
  if (root !== undefined && SAFE_ID.test(root)) return root;
  const traceparent = TRACEPARENT.exec(headers.get('traceparent')?.trim().toLowerCase() ?? '')?.[1];
  if (traceparent !== undefined && !/^0+$/.test(traceparent)) return traceparent;
  return requestId;
}

/** The caller's request id when it is a safe one, else `fallback()`. */
export function safeRequestId(candidate: string | undefined, fallback: () => string): string {
  return candidate !== undefined && SAFE_ID.test(candidate) ? candidate : fallback();
}
