import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface ApiGatewayRequest {
  method: string;
  /** The path with no stage prefix, as an HTTP API's `$default` stage passes it, e.g. `/tasks/01H…`. */
  path: string;
  /** Without the `?`, e.g. `limit=5`. */
  query?: string;
  headers?: Record<string, string>;
  /** A string is sent as is; any other value as JSON. */
  body?: unknown;
  /** Send the body base64-encoded, as API Gateway does for binary media types. */
  base64?: boolean;
}

/**
 * An API Gateway HTTP API event, payload format 2.0, as a `$default` route delivers it to a Lambda
 * integration: lowercase header names, the body as a string (base64 when `isBase64Encoded`), the query
 * both raw and parsed, and a request context with its own request id.
 */
export function apiGatewayEvent(request: ApiGatewayRequest): APIGatewayProxyEventV2 {
  const { method, path, query = '' } = request;
  const text =
    request.body === undefined
      ? undefined
      : typeof request.body === 'string'
        ? request.body
        : JSON.stringify(request.body);
  const headers: Record<string, string> = {
    accept: '*/*',
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'user-agent': 'tandem-test',
    'x-amzn-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...(text !== undefined && { 'content-length': String(Buffer.byteLength(text)) }),
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const now = new Date();
  const requestId = `${randomBytes(8).toString('base64url')}=`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    headers,
    ...(query !== '' && { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'tandem-test' },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(text !== undefined && {
      body: request.base64 ? Buffer.from(text).toString('base64') : text,
    }),
    isBase64Encoded: request.base64 ?? false,
  };
}

/** API Gateway's request time format, e.g. `12/Mar/2020:19:03:58 +0000`. */
function requestTime(date: Date): string {
  const [, day, month, year, time] = /^\w+, (\d+) (\w+) (\d+) ([\d:]+)/.exec(date.toUTCString()) ?? [];
  return `${day}/${month}/${year}:${time} +0000`;
}
