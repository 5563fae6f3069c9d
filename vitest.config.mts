import { defineConfig } from 'vitest/config';

/**
 * Fault tests kill workers and restart servers: they run one at a time, after
 * every other project (groupOrder), on a stack of their own (the e2e global
 * set-up runs for this project too), so a kill or a restart never lands in
 * the middle of another test and nothing else competes for the two cores.
 */
const FAULT_TESTS = ['payout-crash', 'worker-crash', 'restarts', 'money-once'].map((name) => `test/e2e/${name}.test.ts`);
const E2E = { globalSetup: ['test/e2e/global-setup.ts'], testTimeout: 90_000, hookTimeout: 180_000 };

// pool 'forks': the Temporal SDK's native addon and worker threads do not mix.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'workflow',
          include: ['test/workflow/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: FAULT_TESTS, ...E2E },
      },
      {
        extends: true,
        test: { name: 'faults', include: FAULT_TESTS, ...E2E, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
