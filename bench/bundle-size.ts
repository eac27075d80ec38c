/**
 * `pnpm --filter @haul/bench size`: what a Worker or a browser page pulls in to connect, query and
 * COPY in (bundles/*.ts), minified and gzipped, next to postgres.js and @neondatabase/serverless
 * bundled the same way; and each Worker's cold start under workerd (Miniflare: the bundle handed to a
 * fresh workerd, built beforehand, until its first answer), less that of an empty Worker, median of `--runs` (5).
 *
 * Sizes are exact for a given tree and esbuild; cold starts are timings and move with the machine.
 */

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBundled } from '../apps/worker/test/workerd/miniflare.ts';
import { bundleWorker } from '../apps/worker/test/workerd/wrangler-dev.ts';
import { HAUL_BUNDLE_BUDGET_GZIP } from './lib/bundle-budget.ts';
import { type BundleSize, bundleSize } from './lib/bundle-size.ts';
import { markdownGrid } from './lib/report.ts';

interface Entry {
  name: string;
  file: string;
  /** A Worker (cold start measured) or a browser module (size only). */
  worker: boolean;
  compatibilityFlags?: string[];
}

const entry = (file: string) => fileURLToPath(new URL(`./bundles/${file}`, import.meta.url));
const ENTRIES: Entry[] = [
  { name: 'Haul, Worker (`@haul/protocol/cloudflare`)', file: entry('haul-worker.ts'), worker: true },
  { name: 'Haul, browser (`@haul/protocol/websocket`)', file: entry('haul-browser.ts'), worker: false },
  {
    name: 'postgres.js 3.4, Worker (its `workerd` build)',
    file: entry('postgresjs-worker.ts'),
    worker: true,
    compatibilityFlags: ['nodejs_compat'],
  },
  { name: '@neondatabase/serverless 1.2, Worker (no COPY)', file: entry('neon-worker.ts'), worker: true },
];
const EMPTY = entry('empty-worker.ts');

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

const bundles = await mkdtemp(join(tmpdir(), 'haul-bundles-'));
/** Each Worker bundled once, as wrangler would deploy it (not minified); cold starts time only workerd. */
const bundled = new Map<string, string>();
async function bundleOnce(file: string): Promise<string> {
  let script = bundled.get(file);
  if (!script) {
    const dir = join(bundles, String(bundled.size));
    await mkdir(dir);
    script = await bundleWorker(file, dir);
    bundled.set(file, script);
  }
  return script;
}

async function coldStart(file: string, compatibilityFlags?: string[]): Promise<number> {
  const script = await bundleOnce(file);
  const started = performance.now();
  const workerd = await startBundled(script, {
    vars: { DATABASE_URL: 'postgres://unused@127.0.0.1:1/none' },
    ...(compatibilityFlags ? { compatibilityFlags } : {}),
  });
  try {
    const response = await fetch(`${workerd.url}/ping`);
    if ((await response.text()) !== 'ok') throw new Error(`${file}: /ping answered ${response.status}`);
    return performance.now() - started;
  } finally {
    await workerd.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

const sizes = new Map<string, BundleSize>();
for (const item of ENTRIES) sizes.set(item.name, await bundleSize(item.file));

// Interleaved rounds, so a busy moment of the machine hits every Worker alike.
const starts = new Map<string, number[]>([['empty', []]]);
for (let round = 0; round < runs; round++) {
  starts.get('empty')!.push(await coldStart(EMPTY));
  for (const item of ENTRIES.filter((e) => e.worker)) {
    const list = starts.get(item.name) ?? [];
    list.push(await coldStart(item.file, item.compatibilityFlags));
    starts.set(item.name, list);
  }
}
await rm(bundles, { recursive: true, force: true });
const empty = median(starts.get('empty')!);
const baseline = sizes.get(ENTRIES[2]!.name)!;

const rows = ENTRIES.map((item) => {
  const size = sizes.get(item.name)!;
  const start = starts.get(item.name);
  return [
    item.name,
    kb(size.minified),
    kb(size.gzipped),
    `${(size.gzipped / baseline.gzipped).toFixed(2)}×`,
    start ? `${Math.round(median(start) - empty)} ms` : '—',
  ];
});
const header = ['connect + query + COPY in', 'minified', 'gzipped', '× postgres.js', 'cold start − empty'];
console.log(markdownGrid(header, rows));
console.log(
  `\nempty Worker's own cold start: ${Math.round(empty)} ms (median of ${runs}); ` +
    `Haul's budget (CI, test/packaging/bundle-size.test.ts): ${kb(HAUL_BUNDLE_BUDGET_GZIP)} gzipped per entry`,
);
