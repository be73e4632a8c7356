import { z } from 'zod';
import { defineTask } from '../../../lib/tasks/define-task.js';
import { TaskRegistry } from '../../../lib/tasks/task-registry.js';

/** A task type with a real payload schema and its own retry policy and deadline, for validation tests. */
export const sendEmailTask = defineTask({
  type: 'send-email',
  schema: z.object({ to: z.email(), subject: z.string().min(1) }).strict(),
  retry: { maxAttempts: 4, baseDelayMs: 500 },
  timeoutMs: 12_000,
  handler: async () => ({ sent: true }),
});

export const validEmail = { to: 'ada@example.com', subject: 'Welcome' };

export const emailRegistry = (): TaskRegistry => new TaskRegistry([sendEmailTask]);
