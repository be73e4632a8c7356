import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { buildEnvelope } from '../../../lib/tasks/build-envelope.js';
import { TaskValidationError, UnknownTaskTypeError } from '../../../lib/tasks/errors.js';
import { TaskEnvelopeSchema } from '../../../lib/tasks/task-envelope.js';
import { emailRegistry, validEmail } from '../fakes/email-task.js';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const NOW = Date.UTC(2030, 0, 1, 12);
const registry = emailRegistry();

function validationErrorOf(input: unknown, now = NOW): TaskValidationError {
  try {
    buildEnvelope(registry, input, { now });
  } catch (error) {
    expect(error).toBeInstanceOf(TaskValidationError);
    return error as TaskValidationError;
  }
  throw new Error('buildEnvelope accepted invalid input');
}

const paths = (error: TaskValidationError) => error.issues.map((issue) => issue.path);

/** An ISO date-time `ms` from the real clock: the one-year limit is checked against it. */
const isoFromNow = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('buildEnvelope: refusals', () => {
  it('refuses an unknown type with UnknownTaskTypeError', () => {
    const error = validationErrorOf({ type: 'send-fax', payload: {} });
    expect(error).toBeInstanceOf(UnknownTaskTypeError);
    expect(paths(error)).toEqual([['type']]);
    expect(error.message).toContain('send-fax');
  });

  it("refuses a payload that fails the type's schema, with issues under payload", () => {
    const error = validationErrorOf({ type: 'send-email', payload: { to: 'not-an-address' } });
    expect(error).not.toBeInstanceOf(UnknownTaskTypeError);
    expect(paths(error)).toEqual(
      expect.arrayContaining([
        ['payload', 'to'],
        ['payload', 'subject'],
      ]),
    );
    expect(paths(error)).toHaveLength(2);
  });

  it('refuses a missing payload when the type needs one', () => {
    const error = validationErrorOf({ type: 'send-email' });
    expect(paths(error).every((path) => path[0] === 'payload')).toBe(true);
  });

  it('refuses delaySeconds and runAt together', () => {
    const error = validationErrorOf({
      type: 'send-email',
      payload: validEmail,
      delaySeconds: 10,
      runAt: isoFromNow(60_000),
    });
    expect(paths(error)).toContainEqual(['runAt']);
  });

  // Dates a month from now, so that only their format is wrong, not their distance.
  const soon = isoFromNow(30 * 86_400_000);
  it.each([
    ['not a date', 'tomorrow'],
    ['an impossible date', `${soon.slice(0, 5)}02-30T00:00:00Z`],
    ['a date without time', soon.slice(0, 10)],
    ['a local time with no offset', soon.slice(0, 19)],
  ])('refuses runAt as %s', (_label, runAt) => {
    const error = validationErrorOf({ type: 'send-email', payload: validEmail, runAt });
    expect(error.issues).toContainEqual(expect.objectContaining({ path: ['runAt'], code: 'invalid_format' }));
  });

  it('refuses a runAt more than a year away, and accepts one just under a year', () => {
    const tooFar = isoFromNow(366 * 86_400_000);
    const error = validationErrorOf({ type: 'send-email', payload: validEmail, runAt: tooFar });
    expect(error.issues).toContainEqual(
      expect.objectContaining({ path: ['runAt'], message: 'runAt is more than a year away' }),
    );
    const nearlyAYear = isoFromNow(364 * 86_400_000);
    const envelope = buildEnvelope(registry, { type: 'send-email', payload: validEmail, runAt: nearlyAYear });
    expect(envelope.runAt).toBe(Date.parse(nearlyAYear));
  });

  it.each([
    ['a negative delay', { delaySeconds: -1 }, 'delaySeconds'],
    ['a fractional delay', { delaySeconds: 1.5 }, 'delaySeconds'],
    ['a delay over a year', { delaySeconds: 365 * 86_400 + 1 }, 'delaySeconds'],
    ['priority over 255', { priority: 256 }, 'priority'],
    ['a negative priority', { priority: -1 }, 'priority'],
    ['zero attempts', { maxAttempts: 0 }, 'maxAttempts'],
    ['a timeout over 15 minutes', { timeoutSeconds: 901 }, 'timeoutSeconds'],
    ['an id that could escape a key prefix', { id: '../other' }, 'id'],
    ['an empty idempotency key', { idempotencyKey: '' }, 'idempotencyKey'],
  ])('refuses %s', (_label, extra, field) => {
    const error = validationErrorOf({ type: 'send-email', payload: validEmail, ...extra });
    expect(paths(error)).toContainEqual([field]);
  });

  it('refuses an unknown extra field', () => {
    const error = validationErrorOf({ type: 'send-email', payload: validEmail, queue: 'fast' });
    expect(error.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['queue'] });
  });

  it('refuses input that is not an object', () => {
    expect(paths(validationErrorOf('send-email'))).toEqual([[]]);
  });
});

describe('buildEnvelope: the envelope', () => {
  it('fills defaults from the task definition and the clock', () => {
    const envelope = buildEnvelope(registry, { type: 'send-email', payload: validEmail }, { now: NOW });
    expect(envelope).toEqual({
      id: expect.stringMatching(ULID),
      type: 'send-email',
      payload: validEmail,
      priority: 0,
      runAt: NOW,
      attempt: 0,
      maxAttempts: 4,
      timeoutMs: 12_000,
      traceId: envelope.id,
      createdAt: NOW,
      enqueuedVia: 'redis',
    });
    expect(envelope).not.toHaveProperty('idempotencyKey');
    expect(decodeTime(envelope.id)).toBe(NOW);
    expect(TaskEnvelopeSchema.parse(envelope)).toEqual(envelope);
  });

  it('schedules runAt at now plus the delay', () => {
    const envelope = buildEnvelope(
      registry,
      { type: 'send-email', payload: validEmail, delaySeconds: 90 },
      { now: NOW },
    );
    expect(envelope.runAt).toBe(NOW + 90_000);
    expect(envelope.createdAt).toBe(NOW);
  });

  it('takes runAt from an ISO date with an offset', () => {
    const target = Math.floor((Date.now() + 3_600_000) / 1000) * 1000;
    const shifted = new Date(target + 2 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+02:00');
    const envelope = buildEnvelope(registry, { type: 'send-email', payload: validEmail, runAt: shifted });
    expect(envelope.runAt).toBe(target);
  });

  it("keeps the caller's options", () => {
    const envelope = buildEnvelope(
      registry,
      {
        type: 'send-email',
        payload: validEmail,
        id: 'order-42:welcome',
        idempotencyKey: 'welcome:ada',
        priority: 255,
        maxAttempts: 9,
        timeoutSeconds: 60,
      },
      { now: NOW, traceId: 'trace-abc' },
    );
    expect(envelope).toMatchObject({
      id: 'order-42:welcome',
      idempotencyKey: 'welcome:ada',
      priority: 255,
      maxAttempts: 9,
      timeoutMs: 60_000,
      traceId: 'trace-abc',
    });
  });

  it('gives unique, ordered ULIDs to tasks built in the same millisecond', () => {
    const ids = Array.from(
      { length: 500 },
      () => buildEnvelope(registry, { type: 'send-email', payload: validEmail }, { now: NOW }).id,
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(ULID);
  });
});
