/**
 * How the worker benchmark prints: W1's times against the CLI with each contender's memory, W2's
 * queries/s against Haul over TCP, and the targets as met / MISSED lines. Console tables show
 * every run; the Markdown tables (for the README) show medians only.
 */
import {
  HAUL_TCP,
  HAUL_WS_BARE_WORKERD,
  HAUL_WS_NODE,
  HAUL_WS_WORKERD,
  NEON_WS_NODE,
} from '../contenders/ws-select.ts';
import { median, medianMs } from './loader-report.ts';
import type { ContenderResult } from './measure.ts';
import { markdownGrid, opsText, table } from './report.ts';
import { CLI_LOAD, type MemoryReading, type WorkerLoadResult } from './worker-load.ts';

/** W2 targets: the worker's WebSocket path at ≥ 0.8× TCP, and ≥ 30× @neondatabase/serverless. */
export const WS_OVER_TCP_TARGET = 0.8;
export const HAUL_OVER_NEON_TARGET = 30;
/** Workers' memory limit, held against the isolate's heap. */
export const WORKERS_MEMORY_LIMIT_BYTES = 128 * 1024 * 1024;

const mb = (bytes: number | undefined) => (bytes === undefined ? '—' : (bytes / 1e6).toFixed(1));
const times = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(2)}×`);

/** Median of one memory field over a contender's runs. */
export function memoryMedian(
  readings: readonly MemoryReading[],
  key: keyof MemoryReading,
): number | undefined {
  return median(readings.map((reading) => reading[key]).filter((value) => value !== undefined));
}

/** The contender's median time over the CLI's: 1.20× means 20% slower than `haul load`. */
export function timeOverCli(result: WorkerLoadResult, cli: WorkerLoadResult | undefined): number | undefined {
  const own = medianMs(result);
  const reference = cli ? medianMs(cli) : undefined;
  return own === undefined || reference === undefined ? undefined : own / reference;
}

function loadCells(result: WorkerLoadResult, cli: WorkerLoadResult | undefined): string[] {
  const ms = medianMs(result);
  return [
    result.contender,
    ms === undefined ? '—' : (ms / 1000).toFixed(2),
    ms === undefined ? '—' : Math.round((result.rows * 1000) / ms).toLocaleString('en-US'),
    ms === undefined ? '—' : (result.bytes / 1e6 / (ms / 1000)).toFixed(1),
    times(timeOverCli(result, cli)),
    mb(memoryMedian(result.memory, 'idleRssBytes')),
    mb(memoryMedian(result.memory, 'peakRssBytes')),
    mb(memoryMedian(result.memory, 'heapUsedBytes')),
  ];
}

const LOAD_HEADER = [
  'contender',
  's',
  'rows/s',
  'MB/s',
  'time × CLI',
  'idle RSS MB',
  'peak RSS MB',
  'peak heap MB',
];

export function workerLoadConsole(results: readonly WorkerLoadResult[]): string {
  const cli = results.find((result) => result.contender === CLI_LOAD);
  const rows = results.map((result) => [
    ...loadCells(result, cli),
    result.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(' / '),
    result.status === 'ok' ? '' : `${result.status}: ${result.reason ?? ''}`,
  ]);
  return table([...LOAD_HEADER, 'runs (s)', ''], rows, new Set([1, 2, 3, 4, 5, 6, 7]));
}

export function workerLoadMarkdown(results: readonly WorkerLoadResult[]): string {
  const cli = results.find((result) => result.contender === CLI_LOAD);
  const ok = results.filter((result) => result.status === 'ok');
  return markdownGrid(
    LOAD_HEADER,
    ok.map((result) => loadCells(result, cli)),
  );
}

/** The memory criterion: each worker's peak isolate heap against Workers' 128 MB, and its RSS. */
export function workerMemoryLines(results: readonly WorkerLoadResult[], fileBytes: number): string[] {
  return results
    .filter((result) => result.contender !== CLI_LOAD && result.status === 'ok')
    .map((result) => {
      const heap = memoryMedian(result.memory, 'heapUsedBytes');
      const rss = memoryMedian(result.memory, 'peakRssBytes');
      const verdict =
        heap === undefined ? 'not measured' : heap < WORKERS_MEMORY_LIMIT_BYTES ? 'under' : 'OVER';
      return (
        `${result.contender}: peak isolate heap ${mb(heap)} MB (${verdict} the 134.2 MB = 128 MiB limit), ` +
        `process peak RSS ${mb(rss)} MB, uploading ${mb(fileBytes)} MB`
      );
    });
}

/** A contender's median q/s over a reference's. */
export function qpsRatio(
  results: readonly ContenderResult[],
  name: string,
  over: string,
): number | undefined {
  const own = results.find((result) => result.contender === name)?.medianOpsPerSec;
  const base = results.find((result) => result.contender === over)?.medianOpsPerSec;
  return own === undefined || base === undefined ? undefined : own / base;
}

function selectCells(result: ContenderResult, results: readonly ContenderResult[]): string[] {
  return [
    result.contender,
    opsText(result.medianOpsPerSec),
    times(qpsRatio(results, result.contender, HAUL_TCP)),
    times(qpsRatio(results, result.contender, NEON_WS_NODE)),
  ];
}

const SELECT_HEADER = ['contender', 'q/s', '× TCP', '× neon'];

export function wsSelectConsole(results: readonly ContenderResult[]): string {
  const rows = results.map((result) => [
    ...selectCells(result, results),
    opsText(result.bestOpsPerSec),
    result.runsMs.map((ms) => Math.round(ms)).join(' / '),
    result.status === 'ok' ? '' : `${result.status}: ${result.reason ?? ''}`,
  ]);
  return table([...SELECT_HEADER, 'best q/s', 'runs (ms)', ''], rows, new Set([1, 2, 3, 4]));
}

export function wsSelectMarkdown(results: readonly ContenderResult[]): string {
  const ok = results.filter((result) => result.status === 'ok');
  return markdownGrid(
    SELECT_HEADER,
    ok.map((result) => selectCells(result, results)),
  );
}

/** The two W2 targets, one line each (workerd's proxy against TCP too, when it ran). */
export function wsTargetLines(results: readonly ContenderResult[]): string[] {
  const line = (label: string, value: number | undefined, target: number) =>
    value === undefined
      ? `${label}: no ratio (a contender did not run)`
      : `${label}: ${value.toFixed(2)}× (target ≥ ${target}×): ${value >= target ? 'met' : 'MISSED'}`;
  const lines = [
    line(`${HAUL_WS_NODE} / ${HAUL_TCP}`, qpsRatio(results, HAUL_WS_NODE, HAUL_TCP), WS_OVER_TCP_TARGET),
    line(
      `${HAUL_WS_NODE} / ${NEON_WS_NODE}`,
      qpsRatio(results, HAUL_WS_NODE, NEON_WS_NODE),
      HAUL_OVER_NEON_TARGET,
    ),
  ];
  for (const workerd of [HAUL_WS_WORKERD, HAUL_WS_BARE_WORKERD])
    if (results.some((result) => result.contender === workerd && result.status === 'ok'))
      lines.push(line(`${workerd} / ${HAUL_TCP}`, qpsRatio(results, workerd, HAUL_TCP), WS_OVER_TCP_TARGET));
  return lines;
}
