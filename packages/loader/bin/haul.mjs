#!/usr/bin/env node
// The `haul` executable inside this repository (the published package's bin is dist/cli/main.js,
// built by tsc). The CLI is TypeScript: here it runs from a bundle in node_modules/.cache, built with
// esbuild on first use and rebuilt whenever a source file is newer, because loading ~100 modules
// through tsx costs half a second per run. If esbuild is unavailable, tsx runs the sources in place.
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '../src/cli/main.ts');
// Kept out of dist/, which holds the published build (tsc), and out of git.
const bundle = join(here, '../node_modules/.cache/haul-cli.mjs');
const sources = [join(here, '../src'), join(here, '../../protocol/src')];

function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of sources) if (existsSync(dir)) walk(dir);
  return newest;
}

async function ensureBundle() {
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource()) return true;
  try {
    const { build } = await import('esbuild');
    // Built aside and renamed into place: several haul processes may start at once.
    const partial = `${bundle}.${process.pid}.tmp`;
    await build({
      entryPoints: [entry],
      outfile: partial,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Workspace packages are TypeScript and get bundled; npm dependencies load from node_modules.
      external: ['cli-progress', 'esbuild', 'tsx', 'postgres'],
      logLevel: 'silent',
    });
    renameSync(partial, bundle);
    return true;
  } catch {
    return false;
  }
}

if (await ensureBundle()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(entry).href);
}
