import type { Logger } from '../lib/index.js';

/** How to stop each part of the local stack that has started. */
export interface RunningParts {
  http?: () => Promise<void>;
  eventSource?: () => Promise<void>;
  reconciler?: () => Promise<void>;
  drain?: () => Promise<void>;
  sqs?: () => Promise<void>;
  bridge?: () => Promise<void>;
}

/**
 * HTTP first, so nothing new arrives; then the three consumers of work (event source, reconciler, drain)
 * together, since none waits on another; the backends last, since those three still write to them.
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
  await Promise.all([run(parts.eventSource), run(parts.reconciler), run(parts.drain)]);
  await Promise.all([run(parts.sqs), run(parts.bridge)]);
}
