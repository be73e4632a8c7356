import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { toErrorResponse } from '../../../lib/api/error-response.js';
import { ConflictError, InvalidJsonError, UnauthorizedError } from '../../../lib/api/errors.js';
import {
  EnqueueUnavailableError,
  QueueTimeoutError,
  QueueUnavailableError,
} from '../../../lib/queue/errors.js';
import { TaskValidationError, UnknownTaskTypeError } from '../../../lib/tasks/errors.js';

const options = { retryAfterSeconds: 2 };

describe('toErrorResponse', () => {
  it('sends an ApiError as it is, headers included', () => {
    expect(toErrorResponse(new UnauthorizedError(), options)).toMatchObject({
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer' },
      body: { error: { code: 'unauthorized', message: expect.any(String) } },
      severity: 'none',
    });
    expect(toErrorResponse(new InvalidJsonError(), options).status).toBe(400);
    expect(toErrorResponse(new ConflictError('running'), options).body).toEqual({
      error: { code: 'conflict', message: 'running' },
    });
  });

  it('maps a task validation error to 422 invalid_task with the zod issues', () => {
    const response = toErrorResponse(new UnknownTaskTypeError('nope'), options);
    expect(response.status).toBe(422);
    expect(response.body.error).toEqual({
      code: 'invalid_task',
      message: 'unknown task type "nope"',
      issues: [expect.objectContaining({ path: ['type'] })],
    });
    expect(toErrorResponse(new TaskValidationError('bad', []), options).body.error.issues).toEqual([]);
  });

  it('maps "nothing accepted the task" to 503 with the producer\'s Retry-After', () => {
    const response = toErrorResponse(new EnqueueUnavailableError(3, ['t-1'], true), options);
    expect(response).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '3' },
      body: { error: { code: 'unavailable', ids: ['t-1'], maybeStored: true } },
      severity: 'warn',
    });
  });

  it('maps a read Redis could not answer to 503 with the configured Retry-After, naming no host', () => {
    const cause = new Error('connect ECONNREFUSED 10.0.0.7:6379');
    for (const error of [
      new QueueUnavailableError('redis status: fetch failed', 'redis', { cause }),
      new QueueTimeoutError('redis status overran 150 ms', 'redis'),
    ]) {
      const response = toErrorResponse(error, options);
      expect(response.status).toBe(503);
      expect(response.headers).toEqual({ 'Retry-After': '2' });
      expect(response.body.error.message).toBe('redis cannot answer right now; try again later');
    }
  });

  it('rounds Retry-After up to whole seconds, at least 1', () => {
    const error = new QueueUnavailableError('down', 'redis');
    expect(toErrorResponse(error, { retryAfterSeconds: 0.2 }).headers['Retry-After']).toBe('1');
    expect(toErrorResponse(error, { retryAfterSeconds: 2.5 }).headers['Retry-After']).toBe('3');
  });

  it('turns anything else into a 500 that does not leak its message', () => {
    for (const error of [new Error('secret at redis://admin:pw@10.0.0.7'), 'a string', null]) {
      const response = toErrorResponse(error, options);
      expect(response.status).toBe(500);
      expect(response.severity).toBe('error');
      expect(response.body.error.code).toBe('internal');
      expect(JSON.stringify(response.body)).not.toContain('secret');
    }
  });

  it('keeps client errors Hono raises itself, but not its server errors', () => {
    expect(toErrorResponse(new HTTPException(400, { message: 'Malformed' }), options).status).toBe(400);
    expect(toErrorResponse(new HTTPException(502, { message: 'upstream' }), options).status).toBe(500);
  });
});
