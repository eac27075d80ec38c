/**
 * Adds W1 (`worker-load`) and W2 (`worker-select`) to `results/latest.json`, after the rest of the
 * run has written it: the same layout as every workload (title, generatedAt, options, rounded
 * results), merged so that runs without them keep the previous numbers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { HAUL_TCP, NEON_WS_NODE } from '../contenders/ws-select.ts';
import { LOADER_TITLES, medianMs } from './loader-report.ts';
import type { ContenderResult } from './measure.ts';
import { WORKLOAD_TITLES } from './report.ts';
import { formatJson } from './results-file.ts';
import { CLI_LOAD, type WorkerLoadResult } from './worker-load.ts';
import { qpsRatio, timeOverCli } from './worker-report.ts';

const round = (value: number | undefined, places: number) =>
  value === undefined ? undefined : Math.round(value * 10 ** places) / 10 ** places;
const megabytes = (bytes: number | undefined) => round(bytes === undefined ? undefined : bytes / 1e6, 1);

export interface WorkerEntries {
  load?: { results: WorkerLoadResult[]; options: Record<string, number | string> };
  select?: { results: ContenderResult[]; options: Record<string, number | string> };
}

function loadResult(result: WorkerLoadResult, cli: WorkerLoadResult | undefined) {
  const ms = medianMs(result);
  const { memory, runsPeakRssBytes: _bytes, ...rest } = result;
  return {
    ...rest,
    runsMs: result.runsMs.map((value) => round(value, 2)),
    runsMemoryMB: memory.map((reading) => ({
      idleRss: megabytes(reading.idleRssBytes),
      peakRss: megabytes(reading.peakRssBytes),
      polledRss: megabytes(reading.polledRssBytes),
      heapUsed: megabytes(reading.heapUsedBytes),
      heapTotal: megabytes(reading.heapTotalBytes),
    })),
    medianMs: round(ms, 2),
    medianRowsPerSec: ms === undefined ? undefined : round((result.rows * 1000) / ms, 0),
    medianMBPerSec: ms === undefined ? undefined : round(result.bytes / 1e6 / (ms / 1000), 1),
    timeRatioToCli: round(timeOverCli(result, cli), 3),
  };
}

function selectResult(result: ContenderResult, all: readonly ContenderResult[]) {
  return {
    ...result,
    runsMs: result.runsMs.map((value) => round(value, 2)),
    medianOpsPerSec: round(result.medianOpsPerSec, 0),
    bestOpsPerSec: round(result.bestOpsPerSec, 0),
    ratioToTcp: round(qpsRatio(all, result.contender, HAUL_TCP), 3),
    ratioToNeon: round(qpsRatio(all, result.contender, NEON_WS_NODE), 2),
  };
}

export async function mergeWorkerResults(path: string, entries: WorkerEntries): Promise<void> {
  const report = JSON.parse(await readFile(path, 'utf8')) as { workloads?: Record<string, unknown> };
  const generatedAt = new Date().toISOString();
  report.workloads ??= {};
  if (entries.load) {
    const cli = entries.load.results.find((result) => result.contender === CLI_LOAD);
    report.workloads['worker-load'] = {
      title: LOADER_TITLES['worker-load'],
      generatedAt,
      options: entries.load.options,
      results: entries.load.results.map((result) => loadResult(result, cli)),
    };
  }
  if (entries.select) {
    const all = entries.select.results;
    report.workloads['worker-select'] = {
      title: WORKLOAD_TITLES['worker-select'],
      generatedAt,
      options: entries.select.options,
      results: all.map((result) => selectResult(result, all)),
    };
  }
  await writeFile(path, formatJson(report));
}
