/**
 * Runs a command as a user would (spawn to exit), timing it and, when asked, measuring its peak
 * resident memory: through `/usr/bin/time -v` when present (exact, kernel-reported), else by polling
 * the child's VmHWM in /proc.
 */
import { spawn } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

export interface ProcessOutcome {
  ms: number;
  stdout: string;
  stderr: string;
  /** Peak resident set size in bytes, when measured. */
  peakRssBytes?: number;
  /** How the peak was measured. */
  peakRssSource?: '/usr/bin/time -v' | '/proc VmHWM polling';
  /** User + system CPU time of the process, in ms, when measured (`/usr/bin/time -v` only). */
  cpuMs?: number;
}

const GNU_TIME = '/usr/bin/time';
const MAX_RSS = /Maximum resident set size \(kbytes\): (\d+)/;
const USER_TIME = /User time \(seconds\): ([\d.]+)/;
const SYSTEM_TIME = /System time \(seconds\): ([\d.]+)/;

async function hasGnuTime(): Promise<boolean> {
  try {
    await access(GNU_TIME);
    return true;
  } catch {
    return false;
  }
}

/** The process's high-water RSS so far, from /proc; undefined once it is gone. */
async function highWater(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const match = status ? /^VmHWM:\s+(\d+) kB/m.exec(status) : null;
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * Runs `command args…`; rejects with its output when it exits non-zero. The clock starts before the
 * spawn and stops at exit, so start-up and connecting count, as they do for a person at a prompt.
 */
export async function runTimed(
  command: string,
  args: readonly string[],
  options: { measureMemory?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessOutcome> {
  const useGnuTime = options.measureMemory === true && (await hasGnuTime());
  const [file, argv] = useGnuTime ? [GNU_TIME, ['-v', command, ...args]] : [command, [...args]];
  const started = performance.now();
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });

  let polledPeak = 0;
  let polling: ReturnType<typeof setInterval> | undefined;
  if (options.measureMemory && !useGnuTime && child.pid !== undefined) {
    const pid = child.pid;
    polling = setInterval(() => {
      void highWater(pid).then((peak) => {
        if (peak !== undefined) polledPeak = Math.max(polledPeak, peak);
      });
    }, 50);
  }

  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  });
  const ms = performance.now() - started;
  clearInterval(polling);
  if (code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr.trim() || stdout.trim()}`);
  }
  const outcome: ProcessOutcome = { ms, stdout, stderr };
  if (useGnuTime) {
    const match = MAX_RSS.exec(stderr);
    if (match) {
      outcome.peakRssBytes = Number(match[1]) * 1024;
      outcome.peakRssSource = '/usr/bin/time -v';
    }
    const user = USER_TIME.exec(stderr);
    const system = SYSTEM_TIME.exec(stderr);
    if (user && system) outcome.cpuMs = (Number(user[1]) + Number(system[1])) * 1000;
  } else if (options.measureMemory && polledPeak > 0) {
    outcome.peakRssBytes = polledPeak;
    outcome.peakRssSource = '/proc VmHWM polling';
  }
  return outcome;
}
