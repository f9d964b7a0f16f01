import { defineConfig } from 'vitest/config';

/**
 * `npm run test:long`: only test/long/** (the 10,000-command workload, faults
 * with a Postgres restart, kill -9), one file at a time in one worker — the
 * fault suite restarts the database server, so nothing else may run beside it.
 */
export default defineConfig({
  test: {
    include: ['test/long/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
