import { WakeMessageSchema } from '../../lib/queue/wake/wake-message.js';
import type { SqsEmulator } from '../../local/sqs-emulator.js';

/** Wake-ups share the task queue with tasks; tests that count tasks there leave them out. */
export function isWakeBody(body: string): boolean {
  try {
    return WakeMessageSchema.safeParse(JSON.parse(body)).success;
  } catch {
    return false;
  }
}

/**
 * Task messages on a task queue, ready, delayed or in flight, wake-ups left out: read through the
 * emulator's inspection, since SQS itself cannot show delayed messages.
 */
export async function pendingTaskMessages(
  emulator: Pick<SqsEmulator, 'inspect'>,
  taskQueueUrl: string,
): Promise<number> {
  const { messages } = await emulator.inspect(taskQueueUrl);
  const all = [...messages.ready, ...messages.delayed, ...messages.inflight.map((entry) => entry.message)];
  return all.filter((message) => !isWakeBody(message.body)).length;
}
