import { describe, expect, it } from 'vitest';
import { createJsonLogger, type LogLevel } from '../../../lib/observability/logger.js';
import { QueueTimeoutError } from '../../../lib/queue/errors.js';

function capture(level?: LogLevel, fields?: Record<string, unknown>) {
  const lines: string[] = [];
  const logger = createJsonLogger({
    ...(level !== undefined && { level }),
    ...(fields !== undefined && { fields }),
    write: (line) => lines.push(line),
  });
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, parsed };
}

describe('createJsonLogger', () => {
  it('writes one JSON object per call, on one line, with level, time and message', () => {
    const { logger, lines, parsed } = capture();
    logger.info('task stored', { taskId: 't1', note: 'two\nlines' });
    logger.error('redis down');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain('\n');
    const [first, second] = parsed();
    expect(first).toEqual({
      level: 'info',
      time: expect.any(String),
      message: 'task stored',
      taskId: 't1',
      note: 'two\nlines',
    });
    expect(new Date(first?.time as string).toISOString()).toBe(first?.time);
    expect(second).toMatchObject({ level: 'error', message: 'redis down' });
  });

  it('drops lines below its level (info by default)', () => {
    const byDefault = capture();
    byDefault.logger.debug('noise');
    byDefault.logger.info('kept');
    expect(byDefault.parsed().map((line) => line.message)).toEqual(['kept']);

    const warn = capture('warn');
    warn.logger.debug('a');
    warn.logger.info('b');
    warn.logger.warn('c');
    warn.logger.error('d');
    expect(warn.parsed().map((line) => line.level)).toEqual(['warn', 'error']);

    const debug = capture('debug');
    debug.logger.debug('e');
    expect(debug.lines).toHaveLength(1);

    const silent = capture('silent');
    silent.logger.error('f');
    expect(silent.lines).toHaveLength(0);
  });

  it('adds the fields of every ancestor to a child, and keeps the parent unchanged', () => {
    const { logger, parsed } = capture('info', { service: 'consume' });
    const child = logger.child({ taskId: 't1' }).child({ attempt: 2 });
    child.info('running', { via: 'sqs' });
    logger.info('parent');
    const [fromChild, fromParent] = parsed();
    expect(fromChild).toMatchObject({ service: 'consume', taskId: 't1', attempt: 2, via: 'sqs' });
    expect(fromParent).toMatchObject({ service: 'consume' });
    expect(fromParent).not.toHaveProperty('taskId');
  });

  it('keeps the level of its parent in a child', () => {
    const { logger, lines } = capture('warn');
    logger.child({ taskId: 't1' }).info('dropped');
    expect(lines).toHaveLength(0);
  });

  it('redacts secret-looking keys at any depth, whatever their case', () => {
    const { logger, lines, parsed } = capture('info', { apiToken: 'field-token-1' });
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

  it('serializes errors with their name and message, at any depth', () => {
    const { logger, parsed } = capture();
    logger.error('failed', {
      error: new QueueTimeoutError('redis enqueue timed out', 'redis'),
      details: { cause: new TypeError('fetch failed') },
    });
    expect(parsed()[0]).toMatchObject({
      error: { name: 'QueueTimeoutError', message: 'redis enqueue timed out' },
      details: { cause: { name: 'TypeError', message: 'fetch failed' } },
    });
  });
});
