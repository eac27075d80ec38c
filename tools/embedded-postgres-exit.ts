/**
 * Last-resort cleanup for tools/embedded-postgres.ts: when the process exits or is interrupted with
 * servers still running, kill them and delete their directories, synchronously, because nothing
 * asynchronous runs once 'exit' fires. A normal `stop()` makes all of this a no-op.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const directories = new Set<string>();
let hooked = false;

/** Registers a server's temp directory (with its data in `<dir>/data`) for cleanup at exit. */
export function removeOnExit(dir: string): void {
  directories.add(dir);
  if (hooked) return;
  hooked = true;
  process.on('exit', cleanUpSync);
  for (const [signal, number] of [
    ['SIGINT', 2],
    ['SIGTERM', 15],
    ['SIGHUP', 1],
  ] as const) {
    process.on(signal, () => {
      cleanUpSync();
      // Adding a listener disables Node's default "exit on signal"; restore it unless someone
      // else (vitest, embedded-postgres's own exit hook) also listens and will decide.
      if (process.listenerCount(signal) === 1) process.exit(128 + number);
    });
  }
}

/** Called by `stop()` once the directory is gone. */
export function forgetOnExit(dir: string): void {
  directories.delete(dir);
}

/**
 * Immediate shutdown (SIGQUIT) of the postmaster `pid` serving `dataDir`, waiting up to 5 s for it to
 * remove its lock file, then SIGKILL. Checks first that the PID still belongs to that server, since a
 * stale lock file's PID may have been reused.
 */
export function killServerSync(dataDir: string, pid: number): void {
  if (!isPostmasterOf(pid, dataDir)) return;
  const lockFile = join(dataDir, 'postmaster.pid');
  signal(pid, 'SIGQUIT');
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; waited < 5_000 && existsSync(lockFile); waited += 20) Atomics.wait(sleeper, 0, 0, 20);
  if (existsSync(lockFile)) signal(pid, 'SIGKILL');
}

function cleanUpSync(): void {
  for (const dir of directories) {
    const dataDir = join(dir, 'data');
    try {
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) killServerSync(dataDir, pid);
    } catch {
      // No lock file: the server is not running.
    }
    rmSync(dir, { recursive: true, force: true });
    directories.delete(dir);
  }
}

/** On Linux, /proc tells whether `pid` is a postgres started on `dataDir`; elsewhere, trust the lock file. */
function isPostmasterOf(pid: number, dataDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dataDir);
  } catch {
    return !existsSync('/proc/self') && signal(pid, 0);
  }
}

function signal(pid: number, name: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}
