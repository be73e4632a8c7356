import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The headers Tandem adds to every `http` task request.
 *
 * `Tandem-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed with
 * `TANDEM_SIGNING_SECRET`, e.g. `t=1767225600,v1=5257a869...`. The body is the exact bytes sent (empty when
 * there is none). A receiver recomputes the HMAC over the raw body it received, compares in constant time, and
 * refuses stale timestamps so that a captured request cannot be replayed later. Receivers should accept any
 * `v1=` entry that matches, so that more than one may be sent while a secret is rotated.
 * `Tandem-Task-Id` and `Tandem-Attempt` (1 on the first run) let a receiver drop duplicates.
 */
export const TandemHeaders = {
  signature: 'Tandem-Signature',
  taskId: 'Tandem-Task-Id',
  attempt: 'Tandem-Attempt',
} as const;

export interface SignRequestOptions {
  secret: string;
  /** The exact bytes that will be sent; '' or undefined when there is no body. */
  body?: string | Uint8Array | undefined;
  taskId: string;
  attempt: number;
  /** Epoch milliseconds; default now. */
  now?: number;
}

/**
 * The signature, task id and attempt headers for one request.
 *
 * @example
 * const headers = signRequest({ secret, body: '{"a":1}', taskId: task.id, attempt: 1 });
 * // { 'Tandem-Signature': 't=1767225600,v1=…', 'Tandem-Task-Id': '01J…', 'Tandem-Attempt': '1' }
 */
export function signRequest({ secret, body = '', taskId, attempt, now = Date.now() }: SignRequestOptions) {
  const t = Math.floor(now / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  return {
    [TandemHeaders.signature]: `t=${t},v1=${v1}`,
    [TandemHeaders.taskId]: taskId,
    [TandemHeaders.attempt]: String(attempt),
  };
}

export interface VerifySignatureOptions {
  secret: string;
  /** The `Tandem-Signature` header as received. */
  header: string;
  /** The raw body as received, before any JSON parsing. */
  body: string | Uint8Array;
  /** How far the timestamp may be from now, either way; default 300. */
  toleranceSeconds?: number;
  /** Epoch milliseconds; default now. */
  now?: number;
}

/**
 * True when `header` signs `body` with `secret` and its timestamp is within the tolerance. This is the
 * recipe receivers copy: it needs nothing but node:crypto.
 *
 * @example
 * if (!verifySignature({ secret, header: req.headers['tandem-signature'] ?? '', body: rawBody })) return 401;
 */
export function verifySignature({
  secret,
  header,
  body,
  toleranceSeconds = 300,
  now = Date.now(),
}: VerifySignatureOptions): boolean {
  const fields = header.split(',').map((field) => field.trim().split('='));
  const t = fields.find(([key]) => key === 't')?.[1] ?? '';
  if (!/^\d{1,12}$/.test(t) || Math.abs(now / 1000 - Number(t)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  return fields.some(
    ([key, value = '']) =>
      key === 'v1' && /^[0-9a-f]{64}$/.test(value) && timingSafeEqual(Buffer.from(value, 'hex'), expected),
  );
}
