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
      {
        // Fault injection: real Redis processes killed, paused and filled up, a TCP proxy that stalls and
        // resets, SQS restarted, and the ledger. Files run one at a time (their deadlines are 150 ms; a CPU
        // shared with another suite would blur them); outages take real seconds, hence the timeouts.
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
    typecheck: { enabled: false },
  },
});
