import { defineTask } from 'tandem';
import { z } from 'zod';

/** What a welcome needs: the API route parses its body with this schema, and the task checks it again. */
export const WelcomePayloadSchema = z.object({
  // Letters, digits, - and _: the user id becomes part of the task id (see signup.ts).
  userId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '1 to 64 letters, digits, - or _'),
});
export type WelcomePayload = z.infer<typeof WelcomePayloadSchema>;

/**
 * Sends the welcome message of a new user. Throwing retries it (with backoff, up to `maxAttempts`);
 * `UnrecoverableTaskError` stops at once. What it returns is kept for `tandem.getTask(id)`.
 */
export const sendWelcome = defineTask({
  type: 'send-welcome',
  schema: WelcomePayloadSchema,
  retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 },
  timeoutMs: 10_000,
  handler: async ({ userId }, { attempt, logger }) => {
    // Call your mail service here, passing the context's `signal` so a timeout stops the request.
    logger.info('welcome sent', { userId, attempt });
    return { welcomed: userId };
  },
});
