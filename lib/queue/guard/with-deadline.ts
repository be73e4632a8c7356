import type { Backend } from '../../tasks/task-envelope.js';
import { QueueTimeoutError } from '../errors.js';

/**
 * Bounds how long the caller waits, whatever the client does underneath (a NOSCRIPT retry, a socket that
 * ignores its abort). The request may still complete later; callers must treat a timeout as "maybe stored".
 */
export async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  backend: Backend,
  operation: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new QueueTimeoutError(`${backend} ${operation} exceeded its ${ms} ms deadline`, backend)),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
