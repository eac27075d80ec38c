/**
 * Spawns the Deno or Bun entry in its runtime (the npm `deno` and `bun` binaries, devDependencies of
 * @haul/protocol) on a free port, as packages/protocol's runtime tests run code in them, or the Node
 * entry in a process of its own, for tests that measure its memory. Every
 * process is started in its own process group and killed as a group.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const BIN = join(ROOT, 'packages', 'protocol', 'node_modules', '.bin');
const ENTRIES = fileURLToPath(new URL('../../src/entries/', import.meta.url));
export const START_TIMEOUT_MS = 60_000;

export type EntryRuntime = 'deno' | 'bun' | 'node';

const commands = {
  deno: [join(BIN, 'deno'), ['run', '--allow-net', '--allow-env', '--allow-read', join(ENTRIES, 'deno.ts')]],
  bun: [join(BIN, 'bun'), [join(ENTRIES, 'bun.ts')]],
  // One process (`tsx file.ts` would put a second one in between), so its /proc numbers are the worker's.
  node: [process.execPath, ['--import', 'tsx', join(ENTRIES, 'node.ts')]],
} as const;

/** A port nothing listens on (at the time of the call). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface StartedEntry {
  child: ChildProcess;
  /** http://host:port */
  url: string;
  output: () => string;
  /** Deno's cache directory for this process, removed by stopEntry. */
  denoDir: string;
}

/**
 * Spawns the entry with `env` (DATABASE_URL, HAUL_TOKEN, … on top of this process's) and resolves
 * with its URL once it prints the listening line.
 */
export async function startEntry(runtime: EntryRuntime, env: Record<string, string>): Promise<StartedEntry> {
  const [command, args] = commands[runtime];
  if (!existsSync(command)) {
    throw new Error(
      `${command} is missing: run pnpm install (deno and bun are devDependencies of @haul/protocol)`,
    );
  }
  const port = await freePort();
  const denoDir = mkdtempSync(join(tmpdir(), 'haul-worker-deno-'));
  const child = spawn(command, [...args], {
    cwd: ROOT,
    // Its own process group, so stopEntry can kill it with everything it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      DENO_NO_UPDATE_CHECK: '1',
      DENO_DIR: denoDir,
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    },
  });
  let output = '';
  const started: StartedEntry = { child, url: '', output: () => output, denoDir };
  return new Promise<StartedEntry>((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      kill(child);
      rmSync(denoDir, { recursive: true, force: true });
      reject(error);
    };
    const timer = setTimeout(
      () =>
        fail(new Error(`${runtime} did not print its listening line in ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /haul worker listening on (http:\/\/\S+)/.exec(output);
      if (match && !started.url) {
        clearTimeout(timer);
        started.url = match[1]!;
        resolve(started);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      if (!started.url) fail(new Error(`${runtime} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

function kill(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Kills the group, waits for the process to be reaped, and removes its Deno cache directory. */
export async function stopEntry(started: StartedEntry | undefined): Promise<void> {
  if (!started) return;
  const child = started.child;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    kill(child);
    await exited;
  }
  rmSync(started.denoDir, { recursive: true, force: true });
}
