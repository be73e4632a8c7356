import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_RETRY } from '../../../lib/tasks/backoff.js';
import { DEFAULT_TASK_TIMEOUT_MS, defineTask } from '../../../lib/tasks/define-task.js';
import { TaskValidationError, UnknownTaskTypeError } from '../../../lib/tasks/errors.js';
import { TaskRegistry } from '../../../lib/tasks/task-registry.js';
import { sendEmailTask } from '../fakes/email-task.js';

const noop = (type: string) => defineTask({ type, schema: z.null(), handler: async () => null });

describe('TaskRegistry', () => {
  it('returns the definition registered for a type', () => {
    const registry = new TaskRegistry([sendEmailTask, noop('noop')]);
    expect(registry.get('send-email')).toBe(sendEmailTask);
    expect(registry.has('noop')).toBe(true);
    expect(registry.types().sort()).toEqual(['noop', 'send-email']);
  });

  it('throws UnknownTaskTypeError for a type it does not know', () => {
    const registry = new TaskRegistry([sendEmailTask]);
    expect(registry.has('send-fax')).toBe(false);
    expect(() => registry.get('send-fax')).toThrow(UnknownTaskTypeError);
  });

  it('refuses to register the same type twice', () => {
    const registry = new TaskRegistry([noop('noop')]);
    expect(() => registry.register(noop('noop'))).toThrow(TaskValidationError);
    expect(() => new TaskRegistry([noop('twice'), noop('twice')])).toThrow(/registered twice/);
  });

  it('refuses a type name outside the key-safe alphabet', () => {
    expect(() => new TaskRegistry([noop('has space')])).toThrow();
    expect(new TaskRegistry().has('has space')).toBe(false);
  });
});

describe('defineTask', () => {
  it('fills the retry policy and timeout from the defaults', () => {
    const task = noop('noop');
    expect(task.retry).toEqual(DEFAULT_RETRY);
    expect(task.timeoutMs).toBe(DEFAULT_TASK_TIMEOUT_MS);
  });

  it('overrides only the retry fields given', () => {
    expect(sendEmailTask.retry).toEqual({ ...DEFAULT_RETRY, maxAttempts: 4, baseDelayMs: 500 });
    expect(sendEmailTask.timeoutMs).toBe(12_000);
  });
});
