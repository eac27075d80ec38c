/**
 * A2: load the CSV file into a fresh `bench_loader` with the haul CLI (1, 2 and 4 shards with the
 * default copy format; binary at 1 and 2 shards, raw at 2 and 4 next to them), each spawned as a user
 * would run it, against psql's `\copy … from (format csv, header)`. After every run the table must hold
 * exactly the file's rows, with the same values psql's load gave (fingerprint).
 */
import type { CsvFile } from './csv-file.ts';
import {
  psqlPath,
  psqlUnavailable,
  reportedRows,
  runHaul,
  runPsqlCopy,
  shardArgs,
} from './loader-commands.ts';
import type { LoaderResult } from './loader-report.ts';
import { type LoaderContender, measureLoader } from './loader-runs.ts';
import { LOADER_TABLE, type LoaderTable, type TableSummary } from './loader-table.ts';
import type { Check } from './measure.ts';

export const PSQL_LOAD = 'psql \\copy from (format csv, header)';

export interface LoadBench {
  url: string;
  table: LoaderTable;
  file: CsvFile;
  runs: number;
  log: (line: string) => void;
}

/** `format`: a `--copy-format` to force (named in the contender); undefined runs the default, auto. */
function haulLoad(bench: LoadBench, shards: number, format?: 'binary' | 'raw' | 'mixed'): LoaderContender {
  const forced = format === undefined ? [] : ['--copy-format', format];
  return {
    name: `haul load, ${shards} shard${shards === 1 ? '' : 's'}${format === undefined ? '' : `, ${format}`}`,
    async run() {
      const args = ['load', bench.file.path, '--table', LOADER_TABLE, '--url', bench.url, ...forced];
      const outcome = await runHaul([...args, ...shardArgs(shards), '--json', '--quiet']);
      const rows = reportedRows(outcome);
      if (rows !== bench.file.rows)
        throw new Error(`haul reported ${rows} rows, expected ${bench.file.rows}`);
      return outcome;
    },
  };
}

function psqlLoad(bench: LoadBench, unavailable: string | undefined): LoaderContender {
  const command = `\\copy ${LOADER_TABLE} from ${psqlPath(bench.file.path)} (format csv, header)`;
  return {
    name: PSQL_LOAD,
    ...(unavailable === undefined ? {} : { unavailable }),
    async run() {
      const outcome = await runPsqlCopy(bench.url, command);
      if (outcome.rows !== bench.file.rows) throw new Error(`psql copied ${outcome.rows} rows`);
      return outcome;
    },
  };
}

/**
 * The reference the checks compare with: psql's load of the file when psql is there, else the first
 * run's (the checks then only catch runs that disagree with each other).
 */
export async function referenceLoad(
  bench: Pick<LoadBench, 'url' | 'table' | 'file' | 'log'>,
  psqlMissing: string | undefined,
): Promise<TableSummary | undefined> {
  if (psqlMissing !== undefined) return undefined;
  bench.log('  reference load with psql (unmeasured), for the fingerprint');
  await bench.table.recreate();
  await runPsqlCopy(
    bench.url,
    `\\copy ${LOADER_TABLE} from ${psqlPath(bench.file.path)} (format csv, header)`,
  );
  return bench.table.summarize();
}

/**
 * The check after every run: the table holds the file's rows with the reference's values (psql's
 * load, or else the first run's, which later runs must then agree with).
 */
export function referenceCheck(
  bench: Pick<LoadBench, 'table' | 'file'>,
  psqlReference: TableSummary | undefined,
): () => Promise<Check> {
  let reference = psqlReference;
  const by = psqlReference ? "psql's load" : "the first run's";
  return async () => {
    const found = await bench.table.summarize();
    reference ??= found;
    const ok = found.rows === bench.file.rows && found.fingerprint === reference.fingerprint;
    const detail = ok
      ? `${found.rows} rows, fingerprint equal to ${by}`
      : `${found.rows} rows (expected ${bench.file.rows}), fingerprint ${found.fingerprint} (expected ${reference.fingerprint})`;
    return { ok, detail };
  };
}

export async function runLoadBench(bench: LoadBench): Promise<LoaderResult[]> {
  const psqlMissing = await psqlUnavailable();
  const reference = await referenceLoad(bench, psqlMissing);
  // tsx compiles the CLI on its first start and caches it; that first start is not what we measure.
  bench.log('  warm-up: one haul run (unmeasured), so tsx has compiled and cached the CLI');
  await bench.table.recreate();
  await haulLoad(bench, 4).run();

  const contenders = [
    haulLoad(bench, 1),
    haulLoad(bench, 2),
    haulLoad(bench, 4),
    // The formats auto chooses between (auto-format.ts: binary at 1 shard, mixed at more), side by
    // side: what auto gains or loses is in the same run. Raw at 4 was auto's choice before mixed.
    haulLoad(bench, 1, 'binary'),
    haulLoad(bench, 2, 'binary'),
    haulLoad(bench, 2, 'raw'),
    haulLoad(bench, 4, 'raw'),
    psqlLoad(bench, psqlMissing),
  ];
  return measureLoader(
    contenders,
    {
      beforeRun: () => bench.table.recreate(),
      afterRun: referenceCheck(bench, reference),
    },
    {
      workload: 'loader-load',
      runs: bench.runs,
      rows: bench.file.rows,
      bytes: bench.file.bytes,
      log: bench.log,
    },
  );
}
