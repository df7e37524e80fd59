// `npm run test:reliability`: soak under faults, outages, bad input, tenant isolation, secrets.
// Sizes: RELIABILITY_SCALE=full|ci (default ci, which `npm test` runs), read in the scale setup only.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    // Temporal's native bridge does not survive worker threads.
    pool: 'forks',
    // One file at a time: the soak kills workers and restarts PostgreSQL; timings stay comparable.
    fileParallelism: false,
    globalSetup: ['test/support/global-setup.ts', 'test/reliability/scale-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
