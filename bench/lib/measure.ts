/**
 * Runs the contenders of one workload: open one connection each, warm each up, then measured runs
 * interleaved round by round (so background noise on the machine hits every contender alike),
 * with a check of the database after every run.
 */

import {
  type Contender,
  ContenderUnavailable,
  type RunOutcome,
  type Session,
  type WorkloadId,
} from '../contenders/types.ts';

export interface Check {
  ok: boolean;
  /** What was checked and found, e.g. `20000 rows, 20000 distinct ids (expected 20000)`. */
  detail: string;
}

/** What happens around each run of a workload, warm-up included: reset state, then verify it. */
export interface RunHooks {
  beforeRun(): Promise<void>;
  /** Verifies what `count` operations left behind; undefined when nothing is checked. */
  afterRun(count: number): Promise<Check | undefined>;
}

export interface ContenderResult {
  workload: WorkloadId;
  contender: string;
  status: 'ok' | 'skipped' | 'failed';
  /** Why the contender was skipped or failed. */
  reason?: string;
  /** Milliseconds of each measured run, in order. */
  runsMs: number[];
  /** Payload bytes of each measured run, for contenders that report them (COPY). */
  runsBytes?: number[];
  /** Operations (rows, for COPY) per second of the median run (of the best run for `bestOpsPerSec`). */
  medianOpsPerSec?: number;
  bestOpsPerSec?: number;
  /** Payload megabytes (10^6 bytes) per second of the median run, when bytes were reported. */
  medianMBPerSec?: number;
  /** Database checks after each run: the warm-up first, then each measured run. */
  checks: Check[];
}

export interface MeasureOptions {
  count: number;
  warmup: number;
  runs: number;
  /** What one of `count` is, for the log: 'ops' unless given ('rows' for COPY). */
  unit?: string;
}

/** A run that takes longer than this has hung (the slowest peer, pg, needs a few seconds). */
const RUN_TIMEOUT_MS = 120_000;

interface Live {
  result: ContenderResult;
  session: Session;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle]!;
  return (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function outcome(value: number | RunOutcome): RunOutcome {
  return typeof value === 'number' ? { ms: value } : value;
}

/** Bytes over time, both medians: every run of a contender moves the same rows. */
function megabytesPerSecond(result: ContenderResult): number | undefined {
  const bytes = result.runsBytes;
  if (!bytes || bytes.length !== result.runsMs.length || bytes.length === 0) return undefined;
  return median(bytes) / 1e6 / (median(result.runsMs) / 1000);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`run did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

async function open(
  contender: Contender,
  url: string,
  results: ContenderResult[],
): Promise<Live | undefined> {
  const result: ContenderResult = {
    workload: contender.workload,
    contender: contender.name,
    status: 'ok',
    runsMs: [],
    checks: [],
  };
  results.push(result);
  try {
    return { result, session: await contender.open(url) };
  } catch (error) {
    result.status = error instanceof ContenderUnavailable ? 'skipped' : 'failed';
    result.reason = describe(error);
    return undefined;
  }
}

/** One run with its hooks; on error marks the contender failed and returns false. */
async function runOnce(live: Live, count: number, hooks: RunHooks, measured: boolean): Promise<boolean> {
  try {
    await hooks.beforeRun();
    const { ms, bytes } = outcome(await withTimeout(live.session.run(count), RUN_TIMEOUT_MS));
    if (measured) {
      live.result.runsMs.push(ms);
      if (bytes !== undefined) {
        live.result.runsBytes ??= [];
        live.result.runsBytes.push(bytes);
      }
    }
    const check = await hooks.afterRun(count);
    if (check) live.result.checks.push(check);
    return true;
  } catch (error) {
    live.result.status = 'failed';
    live.result.reason = describe(error);
    return false;
  }
}

export async function measureWorkload(
  contenders: Contender[],
  url: string,
  hooks: RunHooks,
  options: MeasureOptions,
  log: (line: string) => void,
): Promise<ContenderResult[]> {
  const results: ContenderResult[] = [];
  let live: Live[] = [];
  for (const contender of contenders) {
    const opened = await open(contender, url, results);
    if (opened) live.push(opened);
  }

  const survivors: Live[] = [];
  for (const entry of live) {
    log(`  warm-up ${entry.result.contender} (${options.warmup} ${options.unit ?? 'ops'})`);
    if (await runOnce(entry, options.warmup, hooks, false)) survivors.push(entry);
    else await entry.session.close().catch(() => {});
  }
  live = survivors;

  for (let round = 0; round < options.runs; round++) {
    // Rotate the starting contender each round so none always runs first (or last).
    const order = live.map((_, index) => live[(index + round) % live.length]!);
    for (const entry of order) {
      if (entry.result.status !== 'ok') continue;
      const ok = await runOnce(entry, options.count, hooks, true);
      const last = entry.result.runsMs.at(-1);
      const shown = ok && last !== undefined ? `${Math.round(last)} ms` : `failed: ${entry.result.reason}`;
      log(`  run ${round + 1}/${options.runs} ${entry.result.contender}: ${shown}`);
    }
  }

  for (const entry of live) {
    await entry.session.close().catch(() => {});
    if (entry.result.status === 'ok' && entry.result.runsMs.length > 0) {
      entry.result.medianOpsPerSec = options.count / (median(entry.result.runsMs) / 1000);
      entry.result.bestOpsPerSec = options.count / (Math.min(...entry.result.runsMs) / 1000);
      entry.result.medianMBPerSec = megabytesPerSecond(entry.result);
    }
  }
  return results;
}
