/**
 * The loader benchmarks' results and how they print: a console table per workload with time
 * relative to psql against its target, and Markdown for the README.
 */
import type { Check } from './measure.ts';
import { markdownGrid, table } from './report.ts';

export type LoaderWorkloadId =
  | 'loader-load'
  | 'loader-export'
  | 'loader-memory'
  | 'loader-staged'
  | 'worker-load';

export const LOADER_TITLES: Record<LoaderWorkloadId, string> = {
  'loader-load': 'A2: haul load of a CSV file vs psql \\copy (format csv, header)',
  'loader-export': 'A3: haul export to a CSV file vs psql \\copy … to (format csv)',
  'loader-memory': 'M1: peak RSS of haul load streaming a large CSV file (1 GB by default)',
  'loader-staged':
    'S1: the A2 CSV into a table with a primary key: direct, staged append, upsert and skip vs psql',
  'worker-load': 'W1: the A2 CSV file loaded through the worker (Node, workerd) vs haul load',
};

export interface LoaderResult {
  workload: LoaderWorkloadId;
  contender: string;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  /** Wall time of each measured run, spawn to exit. */
  runsMs: number[];
  /** Peak RSS of each measured run, when measured. */
  runsPeakRssBytes?: number[];
  /** Client CPU (user + system) of each measured run, when measured. */
  runsCpuMs?: number[];
  /** A check of the database or the output after each run. */
  checks: Check[];
  /** The psql contender this one's ratio is against, when not the workload's one psql. */
  peer?: string;
  /** Staged loads: the report's staged and publish phases of each measured run. */
  runsPhasesMs?: { stagedMs: number; publishMs: number }[];
  /** Rows (and file bytes) each run moved. */
  rows: number;
  bytes: number;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function medianMs(result: LoaderResult): number | undefined {
  return result.status === 'ok' ? median(result.runsMs) : undefined;
}

/** The contender's median time over psql's: 0.70× means it took 70% of psql's time. */
export function timeRatio(result: LoaderResult, psql: LoaderResult | undefined): number | undefined {
  const own = medianMs(result);
  const reference = psql ? medianMs(psql) : undefined;
  return own === undefined || reference === undefined ? undefined : own / reference;
}

const fixed = (value: number | undefined, places: number) =>
  value === undefined ? '—' : value.toFixed(places);
const whole = (value: number | undefined) =>
  value === undefined ? '—' : Math.round(value).toLocaleString('en-US');

function cells(result: LoaderResult, psql: LoaderResult | undefined): string[] {
  const ms = medianMs(result);
  const ratio = timeRatio(result, psql);
  return [
    result.contender,
    fixed(ms === undefined ? undefined : ms / 1000, 2),
    whole(ms === undefined ? undefined : (result.rows * 1000) / ms),
    fixed(ms === undefined ? undefined : result.bytes / 1e6 / (ms / 1000), 1),
    ratio === undefined ? '—' : `${ratio.toFixed(2)}×`,
  ];
}

const HEADER = ['contender', 's (median)', 'rows/s', 'MB/s', 'time × psql'];

function statusText(result: LoaderResult): string {
  return result.status === 'ok' ? '' : `${result.status}: ${result.reason ?? ''}`;
}

export function loaderConsoleTable(results: readonly LoaderResult[], psql: LoaderResult | undefined): string {
  const rows = results.map((result) => [
    ...cells(result, psql),
    result.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(' / '),
    statusText(result),
  ]);
  return table([...HEADER, 'runs (s)', ''], rows, new Set([1, 2, 3, 4]));
}

export function loaderMarkdownTable(
  results: readonly LoaderResult[],
  psql: LoaderResult | undefined,
): string {
  const rows = results.filter((result) => result.status === 'ok').map((result) => cells(result, psql));
  return markdownGrid(HEADER, rows);
}

/** `haul … N shards: 0.62× psql (target ≤ 0.70×): met`, one line per haul contender. */
export function targetLines(
  results: readonly LoaderResult[],
  psql: LoaderResult | undefined,
  target: number,
): string[] {
  return results
    .filter((result) => result !== psql)
    .map((result) => {
      const ratio = timeRatio(result, psql);
      if (ratio === undefined)
        return `${result.contender}: no ratio (${statusText(result) || 'no psql run'})`;
      const verdict = ratio <= target ? 'met' : 'MISSED';
      return `${result.contender}: ${ratio.toFixed(2)}× psql's time (target ≤ ${target.toFixed(2)}×): ${verdict}`;
    });
}

export function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? '—' : (bytes / 1e6).toFixed(1);
}
