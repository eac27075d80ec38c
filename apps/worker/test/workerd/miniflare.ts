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
  return startBundled(scriptPath, options, dir);
}

/**
 * Serves an already bundled Worker (`scriptPath`, an ES module) in a fresh workerd; `removeAfter` is
 * deleted on stop. What a cold start costs once the bundle exists: nothing is built here.
 */
export async function startBundled(
  scriptPath: string,
  options: Omit<WorkerdOptions, 'entry'>,
  removeAfter?: string,
): Promise<Workerd> {
  const Miniflare = await loadMiniflare();
  const mf = new Miniflare({
    modules: true,
    modulesRoot: path.dirname(scriptPath),
    scriptPath,
    compatibilityDate: options.compatibilityDate ?? '2026-03-17',
    ...(options.compatibilityFlags ? { compatibilityFlags: options.compatibilityFlags } : {}),
    bindings: options.vars,
    ...(options.hyperdrives ? { hyperdrives: options.hyperdrives } : {}),
    host: '127.0.0.1',
    port: 0,
    cf: false,
  });
  const cleanup = async () => {
    if (removeAfter) await rm(removeAfter, { recursive: true, force: true });
  };
  let url: URL;
  try {
    url = await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => {});
    await cleanup();
    throw error;
  }
  return {
    url: url.origin,
    output: () => '',
    stop: async () => {
      await mf.dispose();
      await cleanup();
    },
  };
}
