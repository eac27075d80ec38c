/**
 * The loader section of `pnpm bench` (`--workloads load,export,memory`): the haul CLI as a user runs
 * it, against psql. A2 loads a generated CSV file (1, 2, 4 shards), A3 exports the table (1 and 4
 * partitions), M1 measures the CLI's peak RSS on a 1 GB file. Files go to a temp directory, removed
 * at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type CsvFile, writeCsvFile } from './lib/csv-file.ts';
import { PSQL_EXPORT, prepareExportTable, runExportBench } from './lib/loader-export.ts';
import { PSQL_LOAD, runLoadBench } from './lib/loader-load.ts';
import { MEMORY_TARGET_BYTES, runMemoryBench } from './lib/loader-memory.ts';
import type { LoaderOptions } from './lib/loader-options.ts';
import {
  LOADER_TITLES,
  type LoaderResult,
  type LoaderWorkloadId,
  loaderConsoleTable,
  loaderMarkdownTable,
  median,
  medianMs,
  megabytes,
  targetLines,
  timeRatio,
} from './lib/loader-report.ts';
import type { LoaderWorkloadEntry } from './lib/loader-results.ts';
import { runStagedBench } from './lib/loader-staged.ts';
import { LoaderTable } from './lib/loader-table.ts';
import { table as consoleGrid, markdownGrid } from './lib/report.ts';

/** Issue 13's targets: A2, the CLI in at most 0.7× psql's time; A3, at most 0.8× with its best partition count. */
const LOAD_TARGET = 0.7;
const EXPORT_TARGET = 0.8;

export interface LoaderOutcome {
  entries: Partial<Record<LoaderWorkloadId, LoaderWorkloadEntry>>;
  markdown: string[];
  failed: boolean;
}

type Log = (line: string) => void;

function failedAny(results: readonly LoaderResult[]): boolean {
  return results.some((result) => result.status === 'failed' || result.checks.some((check) => !check.ok));
}

async function generate(
  path: string,
  size: { rows: number } | { minBytes: number },
  log: Log,
): Promise<CsvFile> {
  const started = performance.now();
  const file = await writeCsvFile(path, size);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(
    `  generated ${file.rows.toLocaleString('en-US')} rows, ${megabytes(file.bytes)} MB of CSV in ${seconds} s`,
  );
  return file;
}

function memoryCells(result: LoaderResult, file: CsvFile): string[] {
  const ms = median(result.runsMs);
  const cpu = median(result.runsCpuMs ?? []);
  return [
    result.contender,
    megabytes(file.bytes),
    file.rows.toLocaleString('en-US'),
    ms === undefined ? '—' : (ms / 1000).toFixed(2),
    cpu === undefined ? '—' : (cpu / 1000).toFixed(2),
    megabytes(median(result.runsPeakRssBytes ?? [])),
    megabytes(MEMORY_TARGET_BYTES),
  ];
}

function memoryMarkdown(results: readonly LoaderResult[], file: CsvFile): string {
  return markdownGrid(
    ['contender', 'file MB', 'rows', 's', 'client CPU s', 'peak RSS MB', 'target MB'],
    results.map((result) => memoryCells(result, file)),
  );
}

/** S1's table: each run's time against the psql run leaving the same table, and its two phases. */
function stagedTable(results: readonly LoaderResult[], as: 'console' | 'markdown'): string {
  const seconds = (ms: number | undefined) => (ms === undefined ? '—' : (ms / 1000).toFixed(2));
  const rows = results.map((result) => {
    const peer = results.find((other) => other.contender === result.peer);
    const ratio = peer ? timeRatio(result, peer) : undefined;
    const phases = result.runsPhasesMs ?? [];
    return [
      result.contender,
      seconds(medianMs(result)),
      ratio === undefined ? '—' : `${ratio.toFixed(2)}×`,
      seconds(median(phases.map((phase) => phase.stagedMs))),
      seconds(median(phases.map((phase) => phase.publishMs))),
      ...(as === 'console' ? [result.status === 'ok' ? '' : `${result.status}: ${result.reason ?? ''}`] : []),
    ];
  });
  const header = ['contender', 's (median)', '× its psql', 'staged s', 'publish s'];
  return as === 'markdown'
    ? markdownGrid(header, rows)
    : consoleGrid([...header, ''], rows, new Set([1, 2, 3, 4]));
}

export async function runLoaderWorkloads(
  url: string,
  options: LoaderOptions,
  runs: number,
  log: Log,
): Promise<LoaderOutcome> {
  const outcome: LoaderOutcome = { entries: {}, markdown: [], failed: false };
  const dir = await mkdtemp(join(tmpdir(), 'haul-bench-loader-'));
  const table = await LoaderTable.open(url);
  const selected = new Set(options.workloads);
  try {
    let csv: CsvFile | undefined;
    if (selected.has('load') || selected.has('export') || selected.has('staged')) {
      log(`== loader: the A1 columns as CSV (${options.loadRows.toLocaleString('en-US')} rows, with header)`);
      csv = await generate(join(dir, 'a2.csv'), { rows: options.loadRows }, log);
    }

    if (selected.has('load') && csv) {
      log(`== ${LOADER_TITLES['loader-load']}`);
      const results = await runLoadBench({ url, table, file: csv, runs, log });
      const psql = results.find((result) => result.contender === PSQL_LOAD);
      log(`\n${loaderConsoleTable(results, psql)}\n`);
      for (const line of targetLines(results, psql, LOAD_TARGET)) log(`  ${line}`);
      log('');
      outcome.markdown.push(
        `**${LOADER_TITLES['loader-load']}** (${csv.rows.toLocaleString('en-US')} rows, ${megabytes(csv.bytes)} MB, median of ${runs}, spawn to exit)\n`,
      );
      outcome.markdown.push(`${loaderMarkdownTable(results, psql)}\n`);
      outcome.entries['loader-load'] = {
        results,
        ...(psql ? { psql } : {}),
        options: { rows: csv.rows, bytes: csv.bytes, runs },
      };
      outcome.failed ||= failedAny(results);
    }

    if (selected.has('export') && csv) {
      log(`== ${LOADER_TITLES['loader-export']}`);
      await prepareExportTable({ url, table, file: csv, log });
      const results = await runExportBench({ url, rows: csv.rows, dir, runs, log });
      const psql = results.find((result) => result.contender === PSQL_EXPORT);
      log(`\n${loaderConsoleTable(results, psql)}\n`);
      for (const line of targetLines(results, psql, EXPORT_TARGET)) log(`  ${line}`);
      log('');
      outcome.markdown.push(
        `**${LOADER_TITLES['loader-export']}** (${csv.rows.toLocaleString('en-US')} rows, median of ${runs}, spawn to exit)\n`,
      );
      outcome.markdown.push(`${loaderMarkdownTable(results, psql)}\n`);
      outcome.entries['loader-export'] = {
        results,
        ...(psql ? { psql } : {}),
        options: { rows: csv.rows, runs },
      };
      outcome.failed ||= failedAny(results);
    }

    if (selected.has('staged') && csv) {
      log(`== ${LOADER_TITLES['loader-staged']}`);
      const { results } = await runStagedBench({ url, file: csv, dir, runs, log });
      log(`\n${stagedTable(results, 'console')}\n`);
      outcome.markdown.push(
        `**${LOADER_TITLES['loader-staged']}** (${csv.rows.toLocaleString('en-US')} rows, median of ${runs}, spawn to exit)\n`,
      );
      outcome.markdown.push(`${stagedTable(results, 'markdown')}\n`);
      outcome.entries['loader-staged'] = { results, options: { rows: csv.rows, bytes: csv.bytes, runs } };
      outcome.failed ||= failedAny(results);
    }

    if (selected.has('memory')) {
      // The A2 file has served; freeing its space before writing 1 GB more.
      if (csv) await rm(csv.path, { force: true });
      log(`== ${LOADER_TITLES['loader-memory']}`);
      const big = await generate(join(dir, 'm1.csv'), { minBytes: options.memoryMegabytes * 1e6 }, log);
      const results = await runMemoryBench({ url, table, file: big, log });
      log('');
      let unmeasured = false;
      for (const result of results) {
        const peak = median(result.runsPeakRssBytes ?? []);
        const cpu = median(result.runsCpuMs ?? []);
        unmeasured ||= peak === undefined;
        const verdict = peak === undefined ? 'not measured' : peak <= MEMORY_TARGET_BYTES ? 'met' : 'MISSED';
        log(
          `  ${result.contender}: peak RSS ${megabytes(peak)} MB loading ${megabytes(big.bytes)} MB, ` +
            `client CPU ${cpu === undefined ? '—' : (cpu / 1000).toFixed(2)} s ` +
            `(target ≤ ${megabytes(MEMORY_TARGET_BYTES)} MB): ${verdict}${result.status === 'ok' ? '' : ` (${result.status}: ${result.reason})`}`,
        );
      }
      log('');
      outcome.markdown.push(`**${LOADER_TITLES['loader-memory']}**\n`);
      outcome.markdown.push(`${memoryMarkdown(results, big)}\n`);
      outcome.entries['loader-memory'] = { results, options: { rows: big.rows, bytes: big.bytes } };
      outcome.failed ||= failedAny(results) || unmeasured;
    }
  } finally {
    await table.drop().catch(() => {});
    await table.close();
    await rm(dir, { recursive: true, force: true });
  }
  return outcome;
}
