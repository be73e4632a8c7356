import type { Logger } from '../lib/index.js';

export interface ReconcileTimerOptions {
  /** One reconciler pass (the scheduled function's handler, called as the schedule would call it). */
  run: () => Promise<unknown>;
  everyMs: number;
  logger: Logger;
  /** Run a pass at once on start, for work left over from the last run (default true). */
  runAtStart?: boolean;
}

export interface ReconcileTimer {
  /** Runs a pass now, or waits for the one running; the schedule goes on from there. */
  runNow(): Promise<void>;
  /** Cancels the next pass and waits for a running one to finish. */
  stop(): Promise<void>;
}

/**
 * The reconciler's schedule, in process. Passes never overlap: the next one is timed from the end of the
 * last, like a schedule whose runs take a lock.
 *
 * @example
 * const timer = startReconcileTimer({ run: () => handler(event, context), everyMs: 60_000, logger });
 */
export function startReconcileTimer(options: ReconcileTimerOptions): ReconcileTimer {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const runPass = (): Promise<void> => {
    if (running) return running;
    if (timer) clearTimeout(timer);
    timer = undefined;
    running = options
      .run()
      .then(
        () => {},
        (error: unknown) => options.logger.error('reconcile pass failed', { error }),
      )
      .finally(() => {
        running = undefined;
        schedule();
      });
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runPass();
    }, options.everyMs);
  };

  if (options.runAtStart ?? true) void runPass();
  else schedule();

  return {
    runNow: () => (stopped ? Promise.resolve() : runPass()),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
