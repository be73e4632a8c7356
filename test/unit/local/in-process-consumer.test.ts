import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../lib/observability/logger.js';
import { createInProcessConsumer } from '../../support/in-process-consumer.js';

/** A drain whose passes the test ends by hand, recording what each pass was given. */
function controllableDrain() {
  const passes: { budgetMs: number; stop: AbortSignal; finish: (error?: Error) => void }[] = [];
  const drain = (remainingTimeMs: () => number, stop: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      passes.push({
        budgetMs: remainingTimeMs(),
        stop,
        finish: (error) => (error ? reject(error) : resolve()),
      });
    });
  return { drain, passes };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('createInProcessConsumer', () => {
  it('runs one drain at a time, and one more pass for wake-ups that came during it', async () => {
    const { drain, passes } = controllableDrain();
    const consumer = createInProcessConsumer({ drain, logger: silentLogger, budgetMs: 60_000 });

    await consumer.wake();
    await consumer.wake();
    await consumer.wake();
    await tick();
    expect(passes).toHaveLength(1);
    expect(consumer.running).toBe(true);
    expect(passes[0]?.budgetMs).toBeGreaterThan(59_000);

    passes[0]?.finish();
    await tick();
    expect(passes).toHaveLength(2); // the three wake-ups during the first pass ask for one more, not three

    passes[1]?.finish();
    await tick();
    expect(passes).toHaveLength(2);
    expect(consumer.running).toBe(false);
  });

  it('tries a failed pass again after a short wait', async () => {
    const { drain, passes } = controllableDrain();
    const consumer = createInProcessConsumer({ drain, logger: silentLogger, retryDelayMs: 10 });
    await consumer.wake();
    await tick();
    passes[0]?.finish(new Error('redis went away'));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(passes).toHaveLength(2);
    passes[1]?.finish();
    await tick();
    expect(consumer.running).toBe(false);
  });

  it('stop() signals the running drain, waits for it, and ignores later wake-ups', async () => {
    const { drain, passes } = controllableDrain();
    const consumer = createInProcessConsumer({ drain, logger: silentLogger });
    await consumer.wake();
    await tick();
    let stopped = false;
    const stopping = consumer.stop().then(() => {
      stopped = true;
    });
    await tick();
    expect(passes[0]?.stop.aborted).toBe(true);
    expect(stopped).toBe(false); // running tasks finish first

    passes[0]?.finish();
    await stopping;
    await consumer.wake();
    await tick();
    expect(passes).toHaveLength(1);
  });
});
