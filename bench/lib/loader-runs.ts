/**
 * Measured runs of the loader benchmarks: every contender once per round, rounds rotated so none is
 * always first, a reset before and a check after every run. A contender that fails (or whose check
 * fails) is marked so and its later runs are skipped: a number from a broken run means nothing.
 */
import type { LoaderResult, LoaderWorkloadId } from './loader-report.ts';
import type { Check } from './measure.ts';

export interface LoaderContender {
  name: string;
  /** Why it cannot run here (psql not on PATH); it is then listed as skipped. */
  unavailable?: string;
  run(): Promise<{ ms: number; peakRssBytes?: number; cpuMs?: number }>;
}

export interface LoaderHooks {
  /** Resets the state a run starts from (a fresh table). */
  beforeRun(contender: LoaderContender): Promise<void>;
  /** Checks what the run left behind. */
  afterRun(contender: LoaderContender): Promise<Check>;
}

export interface LoaderMeasure {
  workload: LoaderWorkloadId;
  runs: number;
  /** Rows and file bytes each run moves, for the rows/s and MB/s columns. */
  rows: number;
  bytes: number;
  log: (line: string) => void;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n').slice(0, 4).join(' | ') : String(error);
}

export async function measureLoader(
  contenders: readonly LoaderContender[],
  hooks: LoaderHooks,
  measure: LoaderMeasure,
): Promise<LoaderResult[]> {
  const results = contenders.map(
    (contender): LoaderResult => ({
      workload: measure.workload,
      contender: contender.name,
      status: contender.unavailable === undefined ? 'ok' : 'skipped',
      ...(contender.unavailable === undefined ? {} : { reason: contender.unavailable }),
      runsMs: [],
      checks: [],
      rows: measure.rows,
      bytes: measure.bytes,
    }),
  );
  for (let round = 0; round < measure.runs; round++) {
    for (let offset = 0; offset < contenders.length; offset++) {
      const index = (offset + round) % contenders.length;
      const contender = contenders[index]!;
      const result = results[index]!;
      if (result.status !== 'ok') continue;
      try {
        await hooks.beforeRun(contender);
        const { ms, peakRssBytes, cpuMs } = await contender.run();
        result.runsMs.push(ms);
        if (cpuMs !== undefined) result.runsCpuMs = [...(result.runsCpuMs ?? []), cpuMs];
        if (peakRssBytes !== undefined)
          result.runsPeakRssBytes = [...(result.runsPeakRssBytes ?? []), peakRssBytes];
        const check = await hooks.afterRun(contender);
        result.checks.push(check);
        if (!check.ok) {
          result.status = 'failed';
          result.reason = `check failed: ${check.detail}`;
        }
        measure.log(
          `  run ${round + 1}/${measure.runs} ${contender.name}: ${(ms / 1000).toFixed(2)} s, ${check.ok ? 'OK' : 'FAIL'} ${check.detail}`,
        );
      } catch (error) {
        result.status = 'failed';
        result.reason = describe(error);
        measure.log(`  run ${round + 1}/${measure.runs} ${contender.name}: failed: ${result.reason}`);
      }
    }
  }
  return results;
}
