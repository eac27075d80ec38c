/**
 * The COPY tables on the console and in Markdown: seconds, rows/s and MB/s of the median run, time
 * relative to psql and throughput relative to postgres.js.
 */

import type { ContenderResult } from './measure.ts';
import { markdownGrid, opsText, ratio, ratioText, statusText, table } from './report.ts';

/** The references of one COPY table; either may be missing (psql not on PATH, a failed run). */
export interface CopyBaselines {
  psql?: ContenderResult;
  postgresjs?: ContenderResult;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median seconds of the measured runs. */
export function medianSeconds(result: ContenderResult): number | undefined {
  if (result.status !== 'ok') return undefined;
  const ms = median(result.runsMs);
  return ms === undefined ? undefined : ms / 1000;
}

/** The contender's median time over psql's: 1.30× means 30% slower than psql. */
export function timeRatio(result: ContenderResult, psql: ContenderResult | undefined): number | undefined {
  const own = medianSeconds(result);
  const reference = psql ? medianSeconds(psql) : undefined;
  return own === undefined || reference === undefined ? undefined : own / reference;
}

function secondsText(value: number | undefined): string {
  return value === undefined ? '—' : value.toFixed(2);
}

function megabytesText(value: number | undefined): string {
  return value === undefined ? '—' : value.toFixed(1);
}

function cells(result: ContenderResult, baselines: CopyBaselines): string[] {
  return [
    result.contender,
    secondsText(medianSeconds(result)),
    opsText(result.medianOpsPerSec),
    megabytesText(result.medianMBPerSec),
    ratioText(timeRatio(result, baselines.psql)),
    ratioText(ratio(result, baselines.postgresjs)),
  ];
}

const HEADER = ['contender', 's (median)', 'rows/s', 'MB/s', 'time × psql', 'rows/s × postgres.js'];

export function copyConsoleTable(results: ContenderResult[], baselines: CopyBaselines): string {
  const rows = results.map((result) => [
    ...cells(result, baselines),
    result.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(' / '),
    statusText(result),
  ]);
  return table([...HEADER, 'runs (s)', ''], rows, new Set([1, 2, 3, 4, 5]));
}

export function copyMarkdownTable(results: ContenderResult[], baselines: CopyBaselines): string {
  const rows = results.filter((result) => result.status === 'ok').map((result) => cells(result, baselines));
  return markdownGrid(HEADER, rows);
}
