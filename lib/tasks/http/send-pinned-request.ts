import type { LookupAddress } from 'node:dns';
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedDestination } from './destination-guard.js';

export interface PinnedRequest {
  method: string;
  headers: OutgoingHttpHeaders;
  body?: Buffer | undefined;
}

export interface PinnedResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** At most `maxResponseBytes`; whatever had arrived if the body was cut off or broke. */
  body: Buffer;
}

export interface SendPinnedRequestOptions {
  signal: AbortSignal;
  maxResponseBytes: number;
}

/**
 * Sends one request to a checked destination, connecting only to the addresses the guard checked (so a
 * second DNS answer cannot move it) while the Host header and TLS server name stay those of the URL.
 * Redirects are not followed. Rejects only when no response arrived (network failure, abort); once the status
 * is in, a body that breaks or runs past `maxResponseBytes` is cut, not an error.
 */
export function sendPinnedRequest(
  { url, addresses }: CheckedDestination,
  { method, headers, body }: PinnedRequest,
  { signal, maxResponseBytes }: SendPinnedRequestOptions,
): Promise<PinnedResponse> {
  const lookup = pinnedLookup(addresses);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method,
        headers: { ...headers, Host: url.host },
        lookup,
        // A fresh connection per request: a pooled socket could outlive the check it was made under.
        agent: false,
        signal,
      },
      (res) => collectBody(res, maxResponseBytes, resolve),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A DNS lookup that answers only with the addresses the guard checked. */
function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = addresses.filter((entry) => !options.family || entry.family === options.family);
    const usable: LookupAddress[] = wanted.length > 0 ? wanted : [...addresses];
    if (options.all) return callback(null, usable);
    const [first] = usable;
    return first
      ? callback(null, first.address, first.family)
      : callback(new Error('no checked address'), '');
  };
}

/** Reads the body up to `maxResponseBytes`; a body that breaks or runs past it is cut, never an error. */
function collectBody(
  res: IncomingMessage,
  maxResponseBytes: number,
  resolve: (response: PinnedResponse) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const settle = (): void => {
    if (settled) return;
    settled = true;
    resolve({
      status: res.statusCode ?? 0,
      statusText: res.statusMessage ?? '',
      headers: res.headers,
      body: Buffer.concat(chunks),
    });
  };
  res.on('data', (chunk: Buffer) => {
    if (settled) return;
    if (size + chunk.length > maxResponseBytes) {
      chunks.push(chunk.subarray(0, maxResponseBytes - size));
      settle();
      res.destroy();
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
  });
  res.on('end', settle);
  res.on('error', settle);
  res.on('close', settle);
}
