import { defineConfig } from 'vitest/config';

// Unit tests need no network and run in parallel. Integration tests talk to real Redis and SQS
// processes that each file starts for itself; they run one file at a time so ports and CPU stay calm.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
    typecheck: { enabled: false },
  },
});
