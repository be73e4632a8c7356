import type { Logger } from '../observability/logger.js';
import { boundedSender } from '../queue/wake/send-wake.js';

/**
 * A consumer waker of the caller's own (a test's, an embedder's) behind the same budget as Tandem's own
 * wake-ups (`boundedSender`): the work is stored whatever happens here, so a waker that throws or hangs is
 * logged, never thrown, and never holds the caller past `timeoutMs` (default 1 s).
 *
 * @example
 * const wake = boundedWake(() => waker(), { logger });
 * await wake();
 */
export function boundedWake(
  wakeConsumer: () => Promise<void>,
  { logger, timeoutMs }: { logger: Logger; timeoutMs?: number },
): () => Promise<void> {
  const send = boundedSender(() => wakeConsumer(), {
    ...(timeoutMs !== undefined && { timeoutMs }),
    onError: (error) => logger.warn('could not wake a consumer; the reconciler will', { error }),
  });
  return () => send(0);
}
