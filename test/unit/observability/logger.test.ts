import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CreateLoggerOptions, createLogger } from '../../../lib/observability/create-logger.js';
import { QueueTimeoutError } from '../../../lib/queue/errors.js';

/** A Powertools-backed logger whose lines land in memory, through the logger's own `write` option. */
function capture(options: Omit<CreateLoggerOptions, 'write'> = {}) {
  const lines: string[] = [];
  const logger = createLogger({ ...options, write: (line) => lines.push(line) });
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, parsed };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createLogger', () => {
  it('writes one JSON object per call, on one line, with level, timestamp, service and message', () => {
    const { logger, lines, parsed } = capture({ fields: { queue: 'q1' } });
    logger.info('task stored', { taskId: 't1', note: 'two\nlines' });
    logger.error('redis down');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain('\n');
    const [first, second] = parsed();
    expect(first).toEqual({
      level: 'INFO',
      message: 'task stored',
      timestamp: expect.any(String),
      service: 'tandem',
      sampling_rate: 0,
      queue: 'q1',
      taskId: 't1',
      note: 'two\nlines',
    });
    expect(new Date(first?.timestamp as string).toISOString()).toBe(first?.timestamp);
    expect(second).toMatchObject({ level: 'ERROR', message: 'redis down' });
  });

  it('drops lines below its level', () => {
    const warn = capture({ level: 'warn' });
    warn.logger.debug('a');
    warn.logger.info('b');
    warn.logger.warn('c');
    warn.logger.error('d');
    expect(warn.parsed().map((line) => line.level)).toEqual(['WARN', 'ERROR']);

    const debug = capture({ level: 'debug' });
    debug.logger.debug('e');
    expect(debug.lines).toHaveLength(1);

    const silent = capture({ level: 'silent' });
    silent.logger.error('f');
    expect(silent.lines).toHaveLength(0);
  });

  it("takes Powertools' level from the environment when given none, info when that is unset too", () => {
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', '');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', '');
    vi.stubEnv('LOG_LEVEL', '');
    const byDefault = capture();
    byDefault.logger.debug('noise');
    byDefault.logger.info('kept');
    expect(byDefault.parsed().map((line) => line.message)).toEqual(['kept']);

    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
    const fromEnv = capture();
    fromEnv.logger.warn('dropped');
    fromEnv.logger.error('kept');
    expect(fromEnv.parsed().map((line) => line.message)).toEqual(['kept']);
  });

  it('adds the fields of every ancestor to a child, and keeps the parent unchanged', () => {
    const { logger, parsed } = capture({ fields: { queue: 'q1' } });
    const child = logger.child({ taskId: 't1' }).child({ attempt: 2 });
    child.info('running', { via: 'sqs' });
    logger.info('parent');
    const [fromChild, fromParent] = parsed();
    expect(fromChild).toMatchObject({ queue: 'q1', taskId: 't1', attempt: 2, via: 'sqs' });
    expect(fromParent).toMatchObject({ queue: 'q1' });
    expect(fromParent).not.toHaveProperty('taskId');
  });

  it('keeps the level of its parent in a child', () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.child({ taskId: 't1' }).info('dropped');
    expect(lines).toHaveLength(0);
  });

  it("writes a field named like one of the line's own keys as field_<name>, without a warning line", () => {
    const { logger, parsed } = capture();
    logger.warn('event rejected', { message: 'expected a task', level: 3, service: 'billing' });
    expect(parsed()).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'event rejected',
        service: 'tandem',
        field_message: 'expected a task',
        field_level: 3,
        field_service: 'billing',
      }),
    ]);
  });

  it('redacts secret-looking keys at any depth, whatever their case', () => {
    const { logger, lines, parsed } = capture({ fields: { apiToken: 'field-token-1' } });
    logger.info('request', {
      token: 'tok-2',
      request: {
        headers: { Authorization: 'Bearer tok-3', 'Tandem-Signature': 'sig-4', accept: 'application/json' },
        body: [{ user: 'ada', password: 'pw-5' }, { clientSecret: 'cs-6' }],
      },
      signingSecret: { nested: 'sec-7' },
    });
    logger.child({ UPSTASH_REDIS_REST_TOKEN: 'tok-8' }).warn('child');
    const text = lines.join('\n');
    for (const secret of ['field-token-1', 'tok-2', 'tok-3', 'sig-4', 'pw-5', 'cs-6', 'sec-7', 'tok-8']) {
      expect(text).not.toContain(secret);
    }
    const [line, childLine] = parsed();
    expect(line).toMatchObject({
      apiToken: '[redacted]',
      token: '[redacted]',
      request: {
        headers: {
          Authorization: '[redacted]',
          'Tandem-Signature': '[redacted]',
          accept: 'application/json',
        },
        body: [{ user: 'ada', password: '[redacted]' }, { clientSecret: '[redacted]' }],
      },
      signingSecret: '[redacted]',
    });
    expect(childLine).toMatchObject({ UPSTASH_REDIS_REST_TOKEN: '[redacted]' });
  });

  it('serializes errors as their name and message only, at any depth', () => {
    const { logger, parsed } = capture();
    logger.error('failed', {
      error: new QueueTimeoutError('redis enqueue timed out', 'redis'),
      details: { cause: new TypeError('fetch failed') },
    });
    expect(parsed()[0]).toMatchObject({
      error: { name: 'QueueTimeoutError', message: 'redis enqueue timed out' },
      details: { cause: { name: 'TypeError', message: 'fetch failed' } },
    });
    expect(Object.keys(parsed()[0]?.error as object)).toEqual(['name', 'message']);
  });

  it('never throws: a circular reference is dropped and a BigInt written as text', () => {
    const { logger, parsed } = capture();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    expect(() => logger.info('odd fields', { loop, big: 12345678901234567890n })).not.toThrow();
    expect(parsed()).toEqual([
      expect.objectContaining({ message: 'odd fields', loop: { name: 'loop' }, big: '12345678901234567890' }),
    ]);
  });

  it('never throws: a field that cannot be serialized turns the line into level, message and logError', () => {
    const { logger, parsed } = capture();
    const hostile = {
      toJSON() {
        throw new Error('no JSON for you');
      },
    };
    const getter = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter failed');
      },
    });
    expect(() => logger.warn('first', { hostile })).not.toThrow();
    expect(() => logger.error('second', getter)).not.toThrow();
    expect(parsed()).toEqual([
      { level: 'WARN', message: 'first', timestamp: expect.any(String), logError: 'no JSON for you' },
      { level: 'ERROR', message: 'second', timestamp: expect.any(String), logError: 'getter failed' },
    ]);
  });
});
