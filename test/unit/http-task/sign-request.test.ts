import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signRequest, verifySignature } from '../../../lib/tasks/http/index.js';

const secret = 'whsec_0123456789abcdef';
const now = Date.UTC(2026, 0, 1);
const body = '{"orderId":42}';

function sign(overrides: { body?: string; secret?: string; now?: number } = {}) {
  return signRequest({
    secret: overrides.secret ?? secret,
    body: overrides.body ?? body,
    taskId: '01JTASK',
    attempt: 2,
    now: overrides.now ?? now,
  });
}

describe('signRequest', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 in the documented header format', () => {
    const headers = sign();
    const t = Math.floor(now / 1000);
    const hex = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(headers).toEqual({
      'Tandem-Signature': `t=${t},v1=${hex}`,
      'Tandem-Task-Id': '01JTASK',
      'Tandem-Attempt': '2',
    });
  });

  it('signs bytes and an absent body (as the empty string)', () => {
    const bytes = signRequest({ secret, body: Buffer.from(body), taskId: 'a', attempt: 1, now });
    expect(bytes['Tandem-Signature']).toBe(sign()['Tandem-Signature']);
    const empty = signRequest({ secret, taskId: 'a', attempt: 1, now });
    expect(verifySignature({ secret, header: empty['Tandem-Signature'], body: '', now })).toBe(true);
  });
});

describe('verifySignature', () => {
  const header = sign()['Tandem-Signature'];

  it('accepts the request as signed, as a string or as raw bytes', () => {
    expect(verifySignature({ secret, header, body, now })).toBe(true);
    expect(verifySignature({ secret, header, body: Buffer.from(body), now: now + 299_000 })).toBe(true);
  });

  it('refuses a tampered body', () => {
    expect(verifySignature({ secret, header, body: '{"orderId":43}', now })).toBe(false);
    expect(verifySignature({ secret, header, body: `${body} `, now })).toBe(false);
  });

  it('refuses a wrong secret', () => {
    expect(verifySignature({ secret: 'whsec_another_secret_00', header, body, now })).toBe(false);
  });

  it('refuses a timestamp outside the tolerance, in the past or the future', () => {
    expect(verifySignature({ secret, header, body, now: now + 301_000 })).toBe(false);
    expect(verifySignature({ secret, header, body, now: now - 301_000 })).toBe(false);
    expect(verifySignature({ secret, header, body, now: now + 3_600_000, toleranceSeconds: 7200 })).toBe(
      true,
    );
  });

  it('refuses a timestamp changed after signing', () => {
    const forged = header.replace(/t=(\d+)/, (_, t: string) => `t=${Number(t) + 60}`);
    expect(verifySignature({ secret, header: forged, body, now })).toBe(false);
  });

  it('accepts any matching v1 entry (secret rotation) and ignores garbage', () => {
    const other = sign({ secret: 'whsec_old_secret_000000' })['Tandem-Signature'].split(',')[1];
    expect(verifySignature({ secret, header: `${header}, ${other}`, body, now })).toBe(true);
    expect(verifySignature({ secret, header: `${other},${header.split(',')[0]}`, body, now })).toBe(false);
    for (const junk of ['', 't=,v1=', 'v1=abc', `t=${Math.floor(now / 1000)},v1=zz`, 'garbage']) {
      expect(verifySignature({ secret, header: junk, body, now })).toBe(false);
    }
  });
});
