import type { Logger } from '../../lib/index.js';
import { pause } from '../../local/pause.js';

/** The drain a wake-up starts (`runtime.drain`). */
export type DrainFunction = (remainingTimeMs: () => number, stopSignal: AbortSignal) => Promise<unknown>;

export interface InProcessConsumerOptions {
  drain: DrainFunction;
  logger: Logger;
  /** What one pass may take, like the consume function's timeout (default 15 min). */
  budgetMs?: number;
  /** First wait before a failed pass is tried again; it doubles up to 5 s (default 500 ms). */
  retryDelayMs?: number;
}

export interface InProcessConsumer {
  /**
   * Starts a drain unless one runs; if one runs, asks it for another pass when it ends (work may have
   * arrived after its last claim). Returns at once: enqueuers do not wait for the drain.
   */
  wake(): Promise<void>;
  /** Whether a drain is running now. */
  readonly running: boolean;
  /** Stops claiming: running tasks finish, leased tasks not yet started are given back. Waits for that. */
  stop(): Promise<void>;
}

const MAX_RETRY_DELAY_MS = 5_000;
// drainQueue keeps a margin of its own; a pass that ended this close to its budget may have left work.
const BUDGET_SPENT_MS = 10_000;

/**
 * Wake-ups in process: what an asynchronous invoke of the consume function is in Lambda, here one drain at a
 * time in this process. A pass that fails (Redis went away mid-drain) is tried again after a short backoff,
 * since it may still hold the consumer slot that tells enqueuers a consumer is live.
 *
 * @example
 * const consumer = createInProcessConsumer({ drain: (left, stop) => runtime.drain(left, stop), logger });
 * const runtime = createRuntime({ config, wakeConsumer: () => consumer.wake() });
 */
export function createInProcessConsumer(options: InProcessConsumerOptions): InProcessConsumer {
  const { logger } = options;
  const budgetMs = options.budgetMs ?? 15 * 60_000;
  const stopping = new AbortController();
  let current: Promise<void> | undefined;
  let wanted = false;

  const loop = async () => {
    let failures = 0;
    while (wanted && !stopping.signal.aborted) {
      wanted = false;
      const deadline = Date.now() + budgetMs;
      try {
        await options.drain(() => deadline - Date.now(), stopping.signal);
        failures = 0;
        if (deadline - Date.now() < BUDGET_SPENT_MS) wanted = true;
      } catch (error) {
        failures += 1;
        wanted = true;
        const delayMs = Math.min(MAX_RETRY_DELAY_MS, (options.retryDelayMs ?? 500) * 2 ** (failures - 1));
        logger.warn('in-process drain failed; trying again', { error, delayMs });
        await pause(delayMs, stopping.signal);
      }
    }
  };

  const start = () => {
    current = loop().finally(() => {
      current = undefined;
      // A wake-up that came after the loop's last check and before this point still gets its pass.
      if (wanted && !stopping.signal.aborted) start();
    });
  };

  return {
    async wake() {
      if (stopping.signal.aborted) return;
      wanted = true;
      if (!current) start();
    },
    get running() {
      return current !== undefined;
    },
    async stop() {
      stopping.abort();
      await current;
    },
  };
}
