import { tandem } from './tandem.js';
import { sendWelcome } from './tasks.js';

/**
 * Never run: `npm run typecheck` checks these lines. Each enqueue below must fail to compile; if one ever
 * compiled, its `@ts-expect-error` would be unused and the type check would fail.
 */
export const wrongPayloads = [
  // @ts-expect-error userId must be a string
  () => tandem.enqueue(sendWelcome, { userId: 42 }),
  // @ts-expect-error userId is required
  () => tandem.enqueue(sendWelcome, {}),
  // @ts-expect-error no such field in a welcome
  () => tandem.enqueue(sendWelcome, { userId: 'u_1', locale: 'fr' }),
];
