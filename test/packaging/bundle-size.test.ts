/**
 * The size budget: what a Worker or a browser page pulls in to connect, query and COPY in with Haul,
 * bundled and minified by esbuild and gzipped, stays within HAUL_BUNDLE_BUDGET_GZIP. The peers'
 * sizes and cold starts are the benchmark's (`pnpm --filter @haul/bench size`), not a test's.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAUL_BUNDLE_BUDGET_GZIP } from '../../bench/lib/bundle-budget.ts';
import { bundleSize } from '../../bench/lib/bundle-size.ts';

const entry = (file: string) => fileURLToPath(new URL(`../../bench/bundles/${file}`, import.meta.url));

describe('bundle size', () => {
  it.each(['haul-worker.ts', 'haul-browser.ts'])('%s stays within the gzipped budget', async (file) => {
    const size = await bundleSize(entry(file));
    // A bundle this small would mean the entry no longer pulls in the client at all.
    expect(size.gzipped).toBeGreaterThan(10_000);
    expect(size.gzipped).toBeLessThanOrEqual(HAUL_BUNDLE_BUDGET_GZIP);
  });
});
