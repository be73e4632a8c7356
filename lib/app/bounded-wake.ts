import type { Logger } from '../observability/logger.js';

/** Default budget of a wake-up after tasks are stored. */
export const WAKE_TIMEOUT_MS = 1000;

/**
 * Starts a consumer with a budget of its own. The work is stored whatever happens here: a wake-up that
 * throws or hangs only delays it until the reconciler's next pass, so its failure is logged, never thrown,
 * and it never holds the caller past `timeoutMs`.
 *
 * @example
 * const wake = boundedWake(() => waker(), { logger });
 * await wake();
 */
export function boundedWake(
  wakeConsumer: () => Promise<void>,
  { logger, timeoutMs = WAKE_TIMEOUT_MS }: { logger: Logger; timeoutMs?: number },
): () => Promise<void> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(wakeConsumer), budget]);
    } catch (error) {
      logger.warn('could not wake a consumer; the reconciler will', { error });
    } finally {
      clearTimeout(timer);
    }
  };
}
