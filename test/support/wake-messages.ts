import { WakeMessageSchema } from '../../lib/queue/wake/wake-message.js';

/** Wake-ups share the task queue with tasks; tests that count tasks there leave them out. */
export function isWakeBody(body: string): boolean {
  try {
    return WakeMessageSchema.safeParse(JSON.parse(body)).success;
  } catch {
    return false;
  }
}
