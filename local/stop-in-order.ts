import type { Logger } from '../lib/index.js';

/** How to stop each part of the local stack that has started. */
export interface RunningParts {
  http?: () => Promise<void>;
  eventSource?: () => Promise<void>;
  reconciler?: () => Promise<void>;
  sqs?: () => Promise<void>;
  bridge?: () => Promise<void>;
}

/**
 * HTTP first, so nothing new arrives; then the two consumers of work (the event source, whose drains
 * wind down and give their leases back, and the reconciler) together; the backends last.
 */
export async function stopInOrder(parts: RunningParts, logger: Logger): Promise<void> {
  const run = async (close: (() => Promise<void>) | undefined) => {
    try {
      await close?.();
    } catch (error) {
      logger.warn('local stack: a part did not stop cleanly', { error });
    }
  };
  await run(parts.http);
  await Promise.all([run(parts.eventSource), run(parts.reconciler)]);
  await Promise.all([run(parts.sqs), run(parts.bridge)]);
}
