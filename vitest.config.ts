import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['contracts/**/*.test.ts', 'ohs/**/*.test.ts', 'core/**/*.test.ts', 'adapters/**/*.test.ts', 'cloud/**/*.test.ts', 'sandbox/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Network tests start real services; two cores cannot run many suites at once usefully.
    maxWorkers: 2,
  },
});
