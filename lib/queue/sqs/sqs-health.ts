import { errorMessage } from '../../observability/error-message.js';
import type { CountsMessages } from './sqs-depths.js';

/** The `sqs` part of `GET /health`. */
export interface SqsHealth {
  ok: boolean;
  latencyMs: number;
  /** Why it is not ok. */
  error?: string;
}

/** Times one cheap call (GetQueueAttributes on the task queue); never throws, a failure is `ok: false`. */
export async function probeSqs(queue: CountsMessages): Promise<SqsHealth> {
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    await queue.counts();
    return { ok: true, latencyMs: latency() };
  } catch (error) {
    return { ok: false, latencyMs: latency(), error: errorMessage(error) };
  }
}
