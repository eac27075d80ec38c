/**
 * What an entry costs a Worker or a page to download: bundled by esbuild the way a Worker or browser
 * bundle is built (ESM, `platform: 'neutral'`, the `workerd`/`worker`/`browser` conditions, runtime
 * modules such as `cloudflare:sockets` left to the runtime), minified, then gzipped at level 9.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface BundleSize {
  /** Minified bytes. */
  minified: number;
  /** Those bytes gzipped (level 9): what goes over the wire. */
  gzipped: number;
}

export async function bundleSize(entry: string): Promise<BundleSize> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['cloudflare:*', 'node:*'],
    conditions: ['workerd', 'worker', 'browser', 'import', 'default'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0]!.contents;
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
}
