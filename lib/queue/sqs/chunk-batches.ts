import { SqsLimits } from './sqs-limits.js';

export interface ChunkLimits {
  maxCount: number;
  maxBytes: number;
}

/**
 * Splits items into consecutive chunks within both a count and a byte budget, keeping their order.
 * An item larger than the byte budget gets a chunk of its own: SQS then refuses that one entry, not its neighbours.
 *
 * @example chunkBatches([a, b, c], (m) => m.size, { maxCount: 2, maxBytes: 1000 }) // [[a, b], [c]]
 */
export function chunkBatches<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  limits: ChunkLimits = { maxCount: SqsLimits.batchEntries, maxBytes: SqsLimits.batchBytes },
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const bytes = sizeOf(item);
    const full = current.length >= limits.maxCount || currentBytes + bytes > limits.maxBytes;
    if (current.length > 0 && full) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
