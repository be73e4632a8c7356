import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/observability/create-logger.js';
import { prettyLogLine } from '../../../lib/observability/pretty-log-line.js';

const CLOCK = /^\d\d:\d\d:\d\d\.\d{3} /;

describe("createLogger({ format: 'pretty' })", () => {
  it('writes HH:MM:SS.mmm LEVEL message key=value, one line per entry', () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'pretty', level: 'debug', write: (line) => lines.push(line) });
    logger.addContext?.({ awsRequestId: 'made-up-locally', functionName: 'consume' });
    logger.child({ part: 'event-source' }).info('batch processed', { records: 3, note: 'two\nlines' });
    logger.debug('reconcile finished', { ran: true, errors: [] });
    logger.error('multi\nline message');

    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(CLOCK);
    expect(lines[0]?.slice(13)).toBe('INFO  batch processed part=event-source records=3 note="two\\nlines"');
    expect(lines[1]?.slice(13)).toBe('DEBUG reconcile finished ran=true errors=[]');
    expect(lines[2]?.slice(13)).toBe('ERROR multi\\nline message');
  });

  it('redacts, renders errors and survives circular fields as the JSON format does', () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'pretty', write: (line) => lines.push(line) });
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    logger.warn('odd', { token: 'tok-1', error: new RangeError('too far'), loop });
    expect(lines[0]?.slice(13)).toBe(
      'WARN  odd token=[redacted] error={"name":"RangeError","message":"too far"} loop={}',
    );
  });
});

describe('prettyLogLine', () => {
  it('shows the time in local time, and quotes strings with spaces, quotes or =', () => {
    const at = new Date(2030, 0, 1, 9, 5, 7, 42);
    const line = prettyLogLine({
      level: 'INFO',
      message: 'hello',
      timestamp: at.toISOString(),
      service: 'tandem',
      plain: 'redis',
      spaced: 'a b',
      equals: 'k=v',
    });
    expect(line).toBe('09:05:07.042 INFO  hello plain=redis spaced="a b" equals="k=v"');
  });
});
