import { describe, expect, it } from 'vitest';
import { buildEnvelope } from '../../../lib/tasks/build-envelope.js';
import { createHttpTask } from '../../../lib/tasks/http/http-task.js';
import { TaskRegistry } from '../../../lib/tasks/task-registry.js';

const SECRET = 'signing-secret-0123456789';

describe('limits of the http task', () => {
  it('counts each destination host:port as its own key by default', () => {
    const registry = new TaskRegistry([
      createHttpTask({
        signingSecret: SECRET,
        allowedHosts: ['127.0.0.1'],
        concurrency: { limit: 3 },
        rateLimit: { limit: 10, periodMs: 1_000 },
      }),
    ]);
    const limitsFor = (url: string) =>
      buildEnvelope(registry, { type: 'http', payload: { url, body: {} } }).limits;
    expect(limitsFor('http://127.0.0.1:4001/hook')).toEqual({
      concurrency: { key: '127.0.0.1:4001', limit: 3 },
      rate: { key: '127.0.0.1:4001', limit: 10, periodMs: 1_000 },
    });
    expect(limitsFor('http://127.0.0.1:4002/other')?.concurrency?.key).toBe('127.0.0.1:4002');
  });

  it('takes a key of its own, or one given at enqueue', () => {
    const registry = new TaskRegistry([
      createHttpTask({
        signingSecret: SECRET,
        allowedHosts: ['127.0.0.1'],
        concurrency: { limit: 1, key: (payload) => new URL(payload.url).pathname },
      }),
    ]);
    const payload = { url: 'http://127.0.0.1:4001/tenants/7' };
    expect(buildEnvelope(registry, { type: 'http', payload }).limits?.concurrency?.key).toBe('/tenants/7');
    expect(
      buildEnvelope(registry, { type: 'http', payload, concurrencyKey: 'pool' }).limits?.concurrency?.key,
    ).toBe('pool');
  });

  it('has no limits unless configured', () => {
    const registry = new TaskRegistry([
      createHttpTask({ signingSecret: SECRET, allowedHosts: ['127.0.0.1'] }),
    ]);
    expect(
      buildEnvelope(registry, { type: 'http', payload: { url: 'http://127.0.0.1:1/' } }).limits,
    ).toBeUndefined();
  });
});
