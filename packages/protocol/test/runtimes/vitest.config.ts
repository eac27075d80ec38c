/**
 * vitest config for the adapter conformance suites run inside Deno and Bun (spawned by
 * runtimes.test.ts). No database globalSetup: these suites only talk to local TCP peers.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../../../..', import.meta.url)),
    include: ['packages/protocol/test/adapters/*.test.ts'],
    testTimeout: 30_000,
  },
});
