/**
 * Presents the results on the console: a table per workload, the row-count checks, and a Markdown
 * table for the README.
 */

import type { WorkloadId } from '../contenders/types.ts';
import type { ContenderResult } from './measure.ts';

export const WORKLOAD_TITLES: Record<WorkloadId, string> = {
  select: 'select $1::int, issued all at once',
  insert: 'single-row INSERT, issued all at once',
  'copy-in': 'COPY FROM STDIN into bench_copy (7 columns)',
  'copy-out': 'COPY bench_copy TO STDOUT',
  'copy-encode': 'binary COPY encoding alone, no I/O',
  'worker-select': "W2: select $1::int, issued all at once, over the worker's /v1/ws proxy vs TCP",
};

export function opsText(value: number | undefined): string {
  return value === undefined ? '—' : Math.round(value).toLocaleString('en-US');
}

/** Median ops/s over the baseline's median ops/s, or undefined if either is missing. */
export function ratio(result: ContenderResult, baseline: ContenderResult | undefined): number | undefined {
  const base = baseline?.medianOpsPerSec;
  if (result.medianOpsPerSec === undefined || base === undefined) return undefined;
  return result.medianOpsPerSec / base;
}

export function ratioText(value: number | undefined): string {
  return value === undefined ? '—' : `${value.toFixed(2)}×`;
}

export function statusText(result: ContenderResult): string {
  return result.status === 'ok' ? '' : `${result.status}: ${result.reason ?? ''}`;
}

export function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function consoleTable(results: ContenderResult[], baseline: ContenderResult | undefined): string {
  const rows = results.map((result) => [
    result.contender,
    opsText(result.medianOpsPerSec),
    opsText(result.bestOpsPerSec),
    ratioText(ratio(result, baseline)),
    result.runsMs.map((ms) => Math.round(ms)).join(' / '),
    statusText(result),
  ]);
  const header = ['contender', 'ops/s (median)', 'best ops/s', '× postgres.js', 'runs (ms)', ''];
  return table(header, rows, new Set([1, 2, 3]));
}

/** One line per contender: did every run leave exactly the expected rows behind? */
export function checkLines(results: ContenderResult[], warmup: number): string[] {
  return results
    .filter((result) => result.checks.length > 0)
    .map((result) => {
      const failed = result.checks.filter((check) => !check.ok);
      const verdict = failed.length === 0 ? 'OK  ' : 'FAIL';
      const detail =
        failed.length === 0
          ? `${result.checks.at(-1)?.detail} after each of ${result.runsMs.length} runs (and ${warmup} after the warm-up)`
          : failed.map((check) => check.detail).join('; ');
      return `${verdict} ${result.contender}: ${detail}`;
    });
}

/** A Markdown grid with padded columns, first column left-aligned, laid out as the repository's formatter would. */
export function markdownGrid(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  const rule = widths.map((width, column) =>
    column === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`,
  );
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** A Markdown table with padded columns, laid out as the repository's formatter would. */
export function markdownTable(results: ContenderResult[], baseline: ContenderResult | undefined): string {
  const header = ['contender', 'ops/s', '× postgres.js'];
  const rows = results
    .filter((result) => result.status === 'ok')
    .map((result) => [result.contender, opsText(result.medianOpsPerSec), ratioText(ratio(result, baseline))]);
  return markdownGrid(header, rows);
}
