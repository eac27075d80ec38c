/**
 * M1: the haul CLI's peak resident memory while it loads a generated CSV file of about 1 GB (target
 * ≤ 100 MB at every shard count, flat in file size): the loader must stream, whatever the file's size.
 * One run per shard count (1, 2, 4), its client CPU next to its peak; after each the table must hold
 * the file's rows with the values psql's load gave (fingerprint), or the first run's without psql.
 */
import type { CsvFile } from './csv-file.ts';
import { psqlUnavailable, reportedRows, runHaul, shardArgs } from './loader-commands.ts';
import { referenceCheck, referenceLoad } from './loader-load.ts';
import type { LoaderResult } from './loader-report.ts';
import { type LoaderContender, measureLoader } from './loader-runs.ts';
import { LOADER_TABLE, type LoaderTable } from './loader-table.ts';

export const MEMORY_TARGET_BYTES = 100e6;
export const MEMORY_SHARDS = [1, 2, 4] as const;

export interface MemoryBench {
  url: string;
  table: LoaderTable;
  file: CsvFile;
  log: (line: string) => void;
}

function haulLoad(bench: MemoryBench, shards: number): LoaderContender {
  return {
    name: `haul load, ${shards} shard${shards === 1 ? '' : 's'}`,
    async run() {
      const args = ['load', bench.file.path, '--table', LOADER_TABLE, '--url', bench.url];
      const outcome = await runHaul([...args, ...shardArgs(shards), '--json', '--quiet'], {
        measureMemory: true,
      });
      const rows = reportedRows(outcome);
      if (rows !== bench.file.rows)
        throw new Error(`haul reported ${rows} rows, expected ${bench.file.rows}`);
      if (outcome.peakRssBytes === undefined) throw new Error('could not measure the peak RSS');
      bench.log(`  peak RSS measured with ${outcome.peakRssSource}`);
      return outcome;
    },
  };
}

export async function runMemoryBench(bench: MemoryBench): Promise<LoaderResult[]> {
  const reference = await referenceLoad(bench, await psqlUnavailable());
  return measureLoader(
    MEMORY_SHARDS.map((shards) => haulLoad(bench, shards)),
    { beforeRun: () => bench.table.recreate(), afterRun: referenceCheck(bench, reference) },
    { workload: 'loader-memory', runs: 1, rows: bench.file.rows, bytes: bench.file.bytes, log: bench.log },
  );
}
