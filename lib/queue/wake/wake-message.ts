import * as z from 'zod/mini';

/**
 * The body of a wake-up: a message on the task queue that starts the consume function (through its event
 * source) to drain Redis. It names no task; `dueAt` says when the work it was armed for is due.
 */
export const WakeMessageSchema = z.strictObject({ tandem: z.literal('wake'), dueAt: z.int() });

export type WakeMessage = z.infer<typeof WakeMessageSchema>;

/** The message attribute `type` of a wake-up, so operators tell it from tasks without reading the body. */
export const WAKE_MESSAGE_TYPE = 'tandem.wake';

/** A wake-up due at `dueAt`, as the task queue carries it. */
export function wakeMessageBody(dueAt: number): string {
  return JSON.stringify({ tandem: 'wake', dueAt } satisfies WakeMessage);
}
