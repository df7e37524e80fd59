// Browser tests: Debian's Chromium (playwright-core) against the real server, PostgreSQL, Temporal
// and the fakes. `npx vitest run --config vitest.browser.config.ts`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    // Temporal's native bridge does not survive worker threads.
    pool: 'forks',
    // One Chromium and one stack at a time keeps them fast and the timings honest.
    fileParallelism: false,
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 90_000,
    // What a person waits for (a reply shown, a list re-sorted) may take seconds on a loaded machine.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 240_000,
  },
});
