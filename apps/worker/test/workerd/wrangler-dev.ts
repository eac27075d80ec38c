/**
 * Runs a Workers entry under `wrangler dev` (local workerd, offline) for tests: bundles it with esbuild
 * the way Workers take it (`platform: 'neutral'`, `cloudflare:sockets` external), writes a throwaway
 * wrangler config in a temp directory, spawns wrangler in its own process group on a free port, and
 * waits until it answers. `stop()` kills the whole group, so no workerd is left behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));
const WRANGLER = path.join(APP_DIR, 'node_modules', '.bin', 'wrangler');

export interface Workerd {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** What wrangler printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface WranglerDev extends Workerd {
  /** The wrangler process (workerd runs below it), for memory sampling. */
  readonly pid: number;
}

export interface WorkerdOptions {
  /** The entry module (TypeScript), bundled with esbuild. */
  entry: string;
  vars: Record<string, string>;
  compatibilityDate?: string;
  /** e.g. `nodejs_compat`, for a library that imports Node built-ins (Miniflare only). */
  compatibilityFlags?: string[];
  /** Hyperdrive bindings: name → the database URL it fronts (Miniflare only). */
  hyperdrives?: Record<string, string>;
  /** The DevTools inspector's port (the bench reads the isolate's heap there); a free one if unset. */
  inspectorPort?: number;
  /** Milliseconds to wait for the first answer. */
  startTimeoutMs?: number;
}

/** Bundles a Workers entry to one ES module in `outdir`; returns its path. */
export async function bundleWorker(entry: string, outdir: string): Promise<string> {
  const outfile = path.join(outdir, 'worker.js');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['cloudflare:sockets', 'cloudflare:workers', 'node:*'],
    conditions: ['workerd', 'worker', 'browser', 'import', 'default'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  return outfile;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export async function startWorkerd(options: WorkerdOptions): Promise<WranglerDev> {
  const dir = await mkdtemp(path.join(tmpdir(), 'haul-workerd-'));
  const main = await bundleWorker(options.entry, dir);
  const config = path.join(dir, 'wrangler.json');
  await writeFile(
    config,
    JSON.stringify({
      name: 'haul-worker-test',
      main,
      no_bundle: true,
      compatibility_date: options.compatibilityDate ?? '2026-03-17',
      vars: options.vars,
    }),
  );
  return runWranglerDev({ config, cwd: dir, removeAfter: dir, ...options });
}

export interface WranglerProjectOptions {
  /** The project's own wrangler config (it bundles the project's `main` itself). */
  config: string;
  /** Where wrangler runs: the project, whose node_modules the bundle resolves from. */
  cwd: string;
  /** Removed once wrangler has stopped (a temp folder of ours); nothing when the caller owns cwd. */
  removeAfter?: string;
  /** `--var NAME:VALUE` for each, on top of the config's vars. */
  vars?: Record<string, string>;
  inspectorPort?: number;
  startTimeoutMs?: number;
  /** Path that answers once the Worker is up (any status); default /healthz. */
  readyPath?: string;
}

/** `wrangler dev` on a config as given: a user's own project, bundled by wrangler as a user's is. */
export async function runWranglerDev(options: WranglerProjectOptions): Promise<WranglerDev> {
  const { config, cwd } = options;
  const stateDir = await mkdtemp(path.join(tmpdir(), 'haul-wrangler-state-'));
  const port = await freePort();
  let output = '';
  const vars = Object.entries(options.vars ?? {}).flatMap(([name, value]) => ['--var', `${name}:${value}`]);
  const child = spawn(
    WRANGLER,
    [
      'dev',
      '--config',
      config,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(options.inspectorPort ?? (await freePort())),
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
      '--persist-to',
      path.join(stateDir, 'state'),
      ...vars,
    ],
    {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        WRANGLER_SEND_ERROR_REPORTS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        CI: '1',
        FORCE_COLOR: '0',
        XDG_CONFIG_HOME: path.join(stateDir, 'config'),
      },
    },
  );
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3_000);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    clearTimeout(timer);
    killGroup(child, 'SIGKILL');
    await rm(stateDir, { recursive: true, force: true });
    if (options.removeAfter) await rm(options.removeAfter, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    try {
      await fetch(`${url}${options.readyPath ?? '/healthz'}`, { signal: AbortSignal.timeout(2_000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`wrangler dev did not answer within the start timeout:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { url, output: () => output, pid: child.pid!, stop };
}
