/**
 * Adds the loader workloads to `results/latest.json`, next to what lib/results-file.ts wrote: the
 * same layout (title, generatedAt, options, results with rounded numbers), merged so that a run that
 * skips them keeps the previous numbers, as it does for every workload.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { LoaderOptions } from './loader-options.ts';
import type { LoaderResult, LoaderWorkloadId } from './loader-report.ts';
import { LOADER_TITLES, medianMs, timeRatio } from './loader-report.ts';
import { formatJson } from './results-file.ts';

const round = (value: number | undefined, places: number) =>
  value === undefined ? undefined : Math.round(value * 10 ** places) / 10 ** places;

function rounded(result: LoaderResult, psql: LoaderResult | undefined) {
  const ms = medianMs(result);
  const peaks = result.runsPeakRssBytes;
  return {
    ...result,
    runsMs: result.runsMs.map((value) => round(value, 2)),
    runsPeakRssBytes: undefined,
    runsPeakRssMB: peaks?.map((bytes) => round(bytes / 1e6, 1)),
    runsCpuMs: result.runsCpuMs?.map((value) => round(value, 0)),
    medianMs: round(ms, 2),
    medianRowsPerSec: ms === undefined ? undefined : round((result.rows * 1000) / ms, 0),
    medianMBPerSec: ms === undefined ? undefined : round(result.bytes / 1e6 / (ms / 1000), 1),
    timeRatioToPsql: round(timeRatio(result, psql), 3),
  };
}

export interface LoaderWorkloadEntry {
  results: LoaderResult[];
  /** The psql contender the ratios refer to, if any. */
  psql?: LoaderResult;
  options: Record<string, number | string>;
}

/** `options`: this run's loader options, recorded next to the driver options at the top of the file. */
export async function mergeLoaderResults(
  path: string,
  options: LoaderOptions,
  entries: Partial<Record<LoaderWorkloadId, LoaderWorkloadEntry>>,
): Promise<void> {
  const report = JSON.parse(await readFile(path, 'utf8')) as {
    options?: Record<string, unknown>;
    workloads?: Record<string, unknown>;
  };
  const generatedAt = new Date().toISOString();
  report.options = { ...report.options, loader: options };
  report.workloads ??= {};
  for (const [workload, entry] of Object.entries(entries) as [LoaderWorkloadId, LoaderWorkloadEntry][]) {
    report.workloads[workload] = {
      title: LOADER_TITLES[workload],
      generatedAt,
      options: entry.options,
      results: entry.results.map((result) =>
        rounded(result, entry.results.find((peer) => peer.contender === result.peer) ?? entry.psql),
      ),
    };
  }
  await writeFile(path, formatJson(report));
}
