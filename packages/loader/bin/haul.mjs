#!/usr/bin/env node
// The `haul` executable inside this repository (the published package's bin is dist/cli/main.js,
// built by tsc). The CLI is TypeScript: here it runs from an esbuild bundle in node_modules/.cache,
// built on first use and rebuilt whenever one of its inputs changes, because loading ~100 modules
// through tsx costs half a second per run. If esbuild is unavailable, tsx runs the sources in place.
//
// Start-up is most of a small command's time, so this file does little: the bundle is split at the
// CLI's dynamic imports (`haul export` never compiles the loader's load path, nor loads cli-progress),
// and freshness is checked by stat-ing only the files the last build read (esbuild's metafile), not
// by walking the source trees.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '../src/cli/main.ts');
// Kept out of dist/, which holds the published build (tsc), and out of git.
const cache = join(here, '../node_modules/.cache');
// Which build is current and what it was built from: {dir, builtAt, inputs}. Replaced by rename, so
// a reader sees the old build or the new one, never half of either.
const manifest = join(cache, 'haul-cli.json');
// A build directory older than this, and not the current one, is removed by the next build: any
// process that started from it has loaded its chunks long before.
const STALE_BUILD_MS = 10 * 60 * 1000;

/** The current build's main module, if every file it was built from is as it was then. */
function freshBuild() {
  let current;
  try {
    current = JSON.parse(readFileSync(manifest, 'utf8'));
  } catch {
    return null;
  }
  for (const input of current.inputs) {
    // A deleted input (renamed, moved) means a rebuild, as does an edited one.
    const stat = statSync(input, { throwIfNoEntry: false });
    if (stat === undefined || stat.mtimeMs > current.builtAt) return null;
  }
  return join(cache, current.dir, 'main.js');
}

async function build() {
  try {
    const { build } = await import('esbuild');
    mkdirSync(cache, { recursive: true });
    // Built aside, then made current by renaming the manifest: several haul processes may start at once.
    const dir = `haul-cli-${Date.now()}-${process.pid}`;
    const builtAt = Date.now();
    const result = await build({
      entryPoints: { main: entry },
      outdir: join(cache, dir),
      bundle: true,
      splitting: true,
      chunkNames: 'chunk-[hash]',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      metafile: true,
      absWorkingDir: here,
      // Workspace packages are TypeScript and get bundled; npm dependencies load from node_modules.
      external: ['cli-progress', 'esbuild', 'tsx', 'postgres'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs)
      .filter((input) => !input.includes('node_modules/'))
      .map((input) => join(here, input));
    const partial = `${manifest}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify({ dir, builtAt, inputs }));
    renameSync(partial, manifest);
    removeStaleBuilds(dir);
    return join(cache, dir, 'main.js');
  } catch {
    return null;
  }
}

function removeStaleBuilds(current) {
  const now = Date.now();
  for (const name of readdirSync(cache)) {
    if (!name.startsWith('haul-cli-') || name === current) continue;
    const path = join(cache, name);
    if (now - statSync(path).mtimeMs > STALE_BUILD_MS) rmSync(path, { recursive: true, force: true });
  }
}

const main = freshBuild() ?? (await build());
if (main !== null) {
  await import(pathToFileURL(main).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(entry).href);
}
