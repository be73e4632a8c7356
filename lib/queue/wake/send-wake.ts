/** Sends one wake-up, delivered after `delaySeconds` (0 to 900); never throws (see `boundedSender`). */
export type SendWake = (delaySeconds: number) => Promise<void>;

export interface BoundedSenderOptions {
  /** Longest the caller waits for the send (default 1 s). */
  timeoutMs?: number;
  onError: (error: unknown, delaySeconds: number) => void;
}

/**
 * A wake-up sender that cannot hold its caller or fail it: the work it wakes for is stored already, and a
 * lost wake-up only waits for the reconciler, which arms the next one as a safety net.
 *
 * @example
 * const sendWake = boundedSender((delay) => tasks.sendWake(delay), { onError: (error) => logger.warn(…) });
 */
export function boundedSender(
  send: (delaySeconds: number) => Promise<void>,
  { timeoutMs = 1000, onError }: BoundedSenderOptions,
): SendWake {
  return async (delaySeconds) => {
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(() => send(delaySeconds)), budget]);
    } catch (error) {
      onError(error, delaySeconds);
    } finally {
      clearTimeout(timer);
    }
  };
}
