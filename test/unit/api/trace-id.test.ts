import { describe, expect, it } from 'vitest';
import { safeRequestId, traceIdFrom } from '../../../lib/api/trace-id.js';

const headers = (values: Record<string, string>) => new Headers(values);

describe('traceIdFrom', () => {
  it('takes the X-Ray root first', () => {
    const traced = headers({
      'x-amzn-trace-id':
        'Self=1-aaa;Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(traceIdFrom(traced, 'req-1')).toBe('1-5759e988-bd862e3fe1be46a994272793');
  });

  it('then the W3C trace id', () => {
    const traced = headers({ traceparent: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01' });
    expect(traceIdFrom(traced, 'req-1')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('else the request id, also when the headers hold something that is not an id', () => {
    expect(traceIdFrom(headers({}), 'req-1')).toBe('req-1');
    expect(traceIdFrom(headers({ 'x-amzn-trace-id': 'Root=<script>' }), 'req-1')).toBe('req-1');
    expect(traceIdFrom(headers({ 'x-amzn-trace-id': `Root=${'a'.repeat(200)}` }), 'req-1')).toBe('req-1');
    expect(
      traceIdFrom(
        headers({ traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }),
        'req-1',
      ),
    ).toBe('req-1');
  });
});

describe('safeRequestId', () => {
  it('keeps a safe id and replaces anything else', () => {
    expect(safeRequestId('JfPG0jCzoAMEVgw=', () => 'fresh')).toBe('JfPG0jCzoAMEVgw=');
    expect(safeRequestId(undefined, () => 'fresh')).toBe('fresh');
    expect(safeRequestId('bad id\n', () => 'fresh')).toBe('fresh');
  });
});
