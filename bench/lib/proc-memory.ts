/**
 * Resident memory of long-running server processes (the Node worker, workerd) read from /proc, for
 * the worker benchmark. A server outlives one request, so its lifetime peak (VmHWM) would mix runs:
 * the benchmark starts a fresh server per measured run, and also polls VmRSS while a request runs.
 * Linux only; elsewhere every reading is undefined and the tables show "—".
 */
import { readdir, readFile } from 'node:fs/promises';

export interface ProcMemory {
  /** Current resident set, bytes. */
  rssBytes: number;
  /** Peak resident set over the process's life, bytes. */
  hwmBytes: number;
}

const KB = 1024;

function field(status: string, name: string): number | undefined {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * KB : undefined;
}

/** VmRSS and VmHWM of one process; undefined once it is gone. */
export async function procMemory(pid: number): Promise<ProcMemory | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  if (status === undefined) return undefined;
  const rssBytes = field(status, 'VmRSS');
  const hwmBytes = field(status, 'VmHWM');
  return rssBytes === undefined || hwmBytes === undefined ? undefined : { rssBytes, hwmBytes };
}

/** The command name (`comm`) and parent of every live process, from /proc/<pid>/stat. */
async function processTable(): Promise<Map<number, { comm: string; ppid: number }>> {
  const table = new Map<number, { comm: string; ppid: number }>();
  const entries = await readdir('/proc').catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => undefined);
        // `pid (comm) state ppid …`; comm may hold spaces or parentheses, so split at the last ')'.
        const close = stat?.lastIndexOf(')') ?? -1;
        if (!stat || close < 0) return;
        const comm = stat.slice(stat.indexOf('(') + 1, close);
        const ppid = Number(stat.slice(close + 2).split(' ')[1]);
        table.set(Number(name), { comm, ppid });
      }),
  );
  return table;
}

/** Every descendant of `root` (not `root` itself) with its command name. */
export async function descendants(root: number): Promise<{ pid: number; comm: string }[]> {
  const table = await processTable();
  const found: { pid: number; comm: string }[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, info] of table) {
      if (info.ppid !== parent) continue;
      found.push({ pid, comm: info.comm });
      queue.push(pid);
    }
  }
  return found;
}

/**
 * Polls the summed VmRSS of a set of processes every `intervalMs` until stopped; `stop()` returns the
 * highest sum seen. A poll can miss a short spike; VmHWM (per process) cannot, so both are reported.
 */
export function sampleRss(pids: () => readonly number[], intervalMs = 50): { stop(): number } {
  let peak = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void Promise.all(pids().map((pid) => procMemory(pid)))
      .then((readings) => {
        const sum = readings.reduce((total, reading) => total + (reading?.rssBytes ?? 0), 0);
        peak = Math.max(peak, sum);
      })
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
