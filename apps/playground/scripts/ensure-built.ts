/**
 * Builds the playground (vite build → apps/playground/dist) when dist is missing or older than its
 * sources — the page's own files and the workspace packages it bundles — and does nothing otherwise
 * (a directory walk, a few ms). `pnpm start` calls it before serving the page; wrangler's build step
 * runs it as a script (`tsx ../playground/scripts/ensure-built.ts`).
 *
 * Freshness is a stamp written into dist: the newest source mtime seen when the build started, so an
 * edit made during a build still triggers the next one. The build goes to a temporary directory that
 * replaces dist only when complete, so a server never serves half a build.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PLAYGROUND_DIST = join(APP_DIR, 'dist');
const STAMP = '.build-stamp';
const SOURCES = [
  join(APP_DIR, 'src'),
  join(APP_DIR, 'index.html'),
  join(APP_DIR, 'vite.config.ts'),
  join(APP_DIR, 'package.json'),
  join(APP_DIR, '../../packages/loader/src'),
  join(APP_DIR, '../../packages/protocol/src'),
];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'test']);

export interface EnsureResult {
  /** dist, when it holds a usable build (fresh, or stale because the rebuild failed). */
  dist: string | undefined;
  built: boolean;
  /** Why the build failed, when it did. */
  error?: string;
}

function newestSourceMtime(): number {
  let newest = 0;
  const visit = (path: string) => {
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(path);
    } catch {
      return;
    }
    if (stats.isDirectory()) {
      for (const entry of readdirSync(path)) {
        if (!SKIP_DIRS.has(entry) && !entry.endsWith('.test.ts')) visit(join(path, entry));
      }
    } else {
      newest = Math.max(newest, stats.mtimeMs);
    }
  };
  for (const source of SOURCES) visit(source);
  return newest;
}

function stampOf(dist: string): number {
  try {
    return Number(readFileSync(join(dist, STAMP), 'utf8')) || 0;
  } catch {
    return 0;
  }
}

export function isPlaygroundFresh(): boolean {
  return existsSync(join(PLAYGROUND_DIST, 'index.html')) && stampOf(PLAYGROUND_DIST) >= newestSourceMtime();
}

export async function ensurePlaygroundBuilt(
  log: (line: string) => void = console.log,
): Promise<EnsureResult> {
  const newest = newestSourceMtime();
  const usable = existsSync(join(PLAYGROUND_DIST, 'index.html'));
  if (usable && stampOf(PLAYGROUND_DIST) >= newest) return { dist: PLAYGROUND_DIST, built: false };

  log(`building the playground page (${usable ? 'sources changed' : 'first run'})…`);
  const started = Date.now();
  const partial = join(APP_DIR, `dist.tmp-${process.pid}`);
  try {
    await runVite(partial);
    writeFileSync(join(partial, STAMP), String(newest));
    // wrangler's assets upload skips what .assetsignore names.
    writeFileSync(join(partial, '.assetsignore'), `${STAMP}\n.assetsignore\n`);
    const old = join(APP_DIR, `dist.old-${process.pid}`);
    if (existsSync(PLAYGROUND_DIST)) renameSync(PLAYGROUND_DIST, old);
    renameSync(partial, PLAYGROUND_DIST);
    rmSync(old, { recursive: true, force: true });
    log(`built apps/playground/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { dist: PLAYGROUND_DIST, built: true };
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    const message = error instanceof Error ? error.message : String(error);
    return {
      dist: existsSync(join(PLAYGROUND_DIST, 'index.html')) ? PLAYGROUND_DIST : undefined,
      built: false,
      error: message,
    };
  }
}

/** `vite build --outDir <dir>` in a child process, its output shown only if it fails. */
function runVite(outDir: string): Promise<void> {
  const vite = join(APP_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) return Promise.reject(new Error('vite is not installed: run pnpm install'));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: APP_DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`vite build failed (${signal ?? `exit ${code}`}):\n${output.trim()}`));
    });
  });
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  const result = await ensurePlaygroundBuilt();
  if (result.error) {
    console.error(result.error);
    process.exit(1);
  }
}
