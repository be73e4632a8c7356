import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../../lib/runner/map-with-concurrency.js';

/** Yields to the event loop `turns` times: lets work items finish in an order the test chooses. */
async function yieldTurns(turns: number) {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function tracker() {
  let inFlight = 0;
  let peak = 0;
  return {
    enter: () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
    },
    leave: () => {
      inFlight -= 1;
    },
    peak: () => peak,
  };
}

describe('mapWithConcurrency', () => {
  it('returns results in input order even when later items finish first', async () => {
    const items = [5, 4, 3, 2, 1, 0];
    const finished: number[] = [];
    const results = await mapWithConcurrency(items, 3, async (turns, index) => {
      await yieldTurns(turns);
      finished.push(index);
      return `item-${index}`;
    });
    expect(results).toEqual(items.map((_, index) => `item-${index}`));
    expect(finished).not.toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('never runs more than the limit at once, and does use the limit', async () => {
    const track = tracker();
    const items = Array.from({ length: 20 }, (_, i) => (i * 7) % 5);
    await mapWithConcurrency(items, 4, async (turns) => {
      track.enter();
      await yieldTurns(turns + 1);
      track.leave();
    });
    expect(track.peak()).toBe(4);
  });

  it('runs everything at once when the limit exceeds the items', async () => {
    const track = tracker();
    await mapWithConcurrency([1, 1, 1], 10, async (turns) => {
      track.enter();
      await yieldTurns(turns);
      track.leave();
    });
    expect(track.peak()).toBe(3);
  });

  it('runs each item exactly once', async () => {
    const calls = new Map<number, number>();
    await mapWithConcurrency(
      Array.from({ length: 50 }, (_, i) => i),
      7,
      async (item) => {
        calls.set(item, (calls.get(item) ?? 0) + 1);
        await yieldTurns(item % 3);
      },
    );
    expect(calls.size).toBe(50);
    expect([...calls.values()].every((count) => count === 1)).toBe(true);
  });

  it('rejects with the error a work item threw', async () => {
    const boom = new Error('item 3 failed');
    await expect(
      mapWithConcurrency([0, 1, 2, 3, 4], 2, async (item) => {
        await yieldTurns(1);
        if (item === 3) throw boom;
        return item;
      }),
    ).rejects.toBe(boom);
  });

  it('returns an empty list for no items', async () => {
    expect(await mapWithConcurrency([], 5, async () => 1)).toEqual([]);
  });
});
