/**
 * A3: export `bench_loader` to a CSV file with the haul CLI (1 partition, and 2 and 4 partitions of
 * the table's pages, ctid block ranges: what `--partitions N` does for a table) against psql's
 * `\copy (select * from t) to (format csv)`. Each output must hold exactly the
 * table's rows, counted as CSV records (a quoted newline is not a new row).
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CsvFile } from './csv-file.ts';
import { countCsvRecords } from './csv-records.ts';
import { psqlPath, psqlUnavailable, reportedRows, runHaul, runPsqlCopy } from './loader-commands.ts';
import type { LoaderResult } from './loader-report.ts';
import { type LoaderContender, measureLoader } from './loader-runs.ts';
import { LOADER_TABLE, type LoaderTable } from './loader-table.ts';

export const PSQL_EXPORT = 'psql \\copy (select * from t) to (format csv)';

export interface ExportBench {
  url: string;
  /** Rows the table holds. */
  rows: number;
  /** Where output files go (one per contender, overwritten each run). */
  dir: string;
  runs: number;
  log: (line: string) => void;
}

export interface ExportTable {
  url: string;
  table: LoaderTable;
  /** The A2 file: what the table must hold. */
  file: CsvFile;
  log: (line: string) => void;
}

/**
 * The table A3 reads: A2 leaves it loaded, but A3 may run alone (`--workloads export`) or after a
 * failed A2. When it does not hold the file's rows it is recreated and loaded, unmeasured, with
 * psql's `\copy` (the haul CLI where psql is missing). Then it is settled either way, so every
 * export run reads the same clean pages whatever ran before.
 */
export async function prepareExportTable(prep: ExportTable): Promise<void> {
  if ((await prep.table.count()) !== prep.file.rows) {
    prep.log('  the table does not hold the file: loading it (unmeasured)');
    await prep.table.recreate();
    if ((await psqlUnavailable()) === undefined) {
      const command = `\\copy ${LOADER_TABLE} from ${psqlPath(prep.file.path)} (format csv, header)`;
      await runPsqlCopy(prep.url, command);
    } else {
      reportedRows(
        await runHaul([
          'load',
          prep.file.path,
          '--table',
          LOADER_TABLE,
          '--url',
          prep.url,
          '--json',
          '--quiet',
        ]),
      );
    }
    const rows = await prep.table.count();
    if (rows !== prep.file.rows) throw new Error(`loaded ${rows} rows for A3, expected ${prep.file.rows}`);
  }
  await prep.table.settle();
}

function outputOf(bench: ExportBench, contender: string): string {
  return join(bench.dir, `export-${contender.replace(/[^a-z0-9]+/gi, '-')}.csv`);
}

function haulExport(bench: ExportBench, partitions: number): LoaderContender {
  const name = `haul export, ${partitions} partition${partitions === 1 ? '' : 's'}`;
  const split = partitions > 1 ? ['--partitions', String(partitions)] : [];
  // No header, so the output is comparable line for line with psql's.
  const args = ['export', LOADER_TABLE, '--url', bench.url, '--format', 'csv', '--no-header', '--quiet'];
  return { name, run: () => runHaul([...args, ...split, '-o', outputOf(bench, name)]) };
}

function psqlExport(bench: ExportBench, unavailable: string | undefined): LoaderContender {
  const path = outputOf(bench, PSQL_EXPORT);
  return {
    name: PSQL_EXPORT,
    ...(unavailable === undefined ? {} : { unavailable }),
    async run() {
      const outcome = await runPsqlCopy(
        bench.url,
        `\\copy (select * from ${LOADER_TABLE}) to ${psqlPath(path)} (format csv)`,
      );
      if (outcome.rows !== bench.rows)
        throw new Error(`psql copied ${outcome.rows} rows, expected ${bench.rows}`);
      return outcome;
    },
  };
}

export async function runExportBench(bench: ExportBench): Promise<LoaderResult[]> {
  const contenders = [
    haulExport(bench, 1),
    haulExport(bench, 2),
    haulExport(bench, 4),
    psqlExport(bench, await psqlUnavailable()),
  ];
  // The CLI's bundle is rebuilt on the first start after a source change (A2's warm-up does it when
  // A2 runs first); that start is not what we measure.
  bench.log('  warm-up: one haul export (unmeasured), so the CLI bundle is built');
  await contenders[0]!.run();
  let bytes = 0;
  const results = await measureLoader(
    contenders,
    {
      beforeRun: (contender) => rm(outputOf(bench, contender.name), { force: true }),
      async afterRun(contender) {
        const path = outputOf(bench, contender.name);
        const records = await countCsvRecords(path);
        const size = (await stat(path)).size;
        bytes = Math.max(bytes, size);
        const ok = records === bench.rows;
        return { ok, detail: `${records} CSV records (expected ${bench.rows}), ${size} bytes` };
      },
    },
    { workload: 'loader-export', runs: bench.runs, rows: bench.rows, bytes: 0, log: bench.log },
  );
  // The output's size is known only once a run wrote it; every contender writes the same CSV.
  for (const result of results) result.bytes = bytes;
  return results;
}
