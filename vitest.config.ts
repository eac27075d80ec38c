import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    globalSetup: ['tools/test-database-setup.ts'],
    // Integration suites share one server; files run in parallel workers but each uses its own tables.
    fileParallelism: true,
  },
});
