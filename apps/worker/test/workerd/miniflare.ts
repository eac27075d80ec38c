/**
 * Runs a Workers entry in workerd through Miniflare (wrangler's own dependency, resolved through
 * wrangler): the esbuild bundle served by workerd with no proxy worker in front, so a client's abort
 * reaches the Worker as it would in production. Miniflare owns the workerd process; `stop()` disposes it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorker, type Workerd, type WorkerdOptions } from './wrangler-dev.ts';

interface MiniflareInstance {
  ready: Promise<URL>;
  dispose(): Promise<void>;
}
type MiniflareConstructor = new (options: Record<string, unknown>) => MiniflareInstance;

async function loadMiniflare(): Promise<MiniflareConstructor> {
  const fromApp = createRequire(fileURLToPath(new URL('../../package.json', import.meta.url)));
  const fromWrangler = createRequire(fromApp.resolve('wrangler/package.json'));
  const module = (await import(fromWrangler.resolve('miniflare'))) as { Miniflare: MiniflareConstructor };
  return module.Miniflare;
}

export async function startMiniflare(options: WorkerdOptions): Promise<Workerd> {
  const dir = await mkdtemp(path.join(tmpdir(), 'haul-miniflare-'));
  const scriptPath = await bundleWorker(options.entry, dir);
  const Miniflare = await loadMiniflare();
  const mf = new Miniflare({
    modules: true,
    modulesRoot: dir,
    scriptPath,
    compatibilityDate: options.compatibilityDate ?? '2026-03-17',
    bindings: options.vars,
    ...(options.hyperdrives ? { hyperdrives: options.hyperdrives } : {}),
    host: '127.0.0.1',
    port: 0,
    cf: false,
  });
  let url: URL;
  try {
    url = await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: url.origin,
    output: () => '',
    stop: async () => {
      await mf.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
