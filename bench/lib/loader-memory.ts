/**
 * M1: the haul CLI's peak resident memory while it loads a generated CSV file of about 1 GB (target
 * ≤ 100 MB, flat in file size): the loader must stream, whatever the file's size. One run; the table is checked after.
 */
import type { CsvFile } from './csv-file.ts';
import { reportedRows, runHaul } from './loader-commands.ts';
import type { LoaderResult } from './loader-report.ts';
import { type LoaderContender, measureLoader } from './loader-runs.ts';
import { LOADER_TABLE, type LoaderTable } from './loader-table.ts';

export const MEMORY_TARGET_BYTES = 100e6;

export interface MemoryBench {
  url: string;
  table: LoaderTable;
  file: CsvFile;
  log: (line: string) => void;
}

export async function runMemoryBench(bench: MemoryBench): Promise<LoaderResult[]> {
  const contender: LoaderContender = {
    name: 'haul load, default shards',
    async run() {
      const args = [
        'load',
        bench.file.path,
        '--table',
        LOADER_TABLE,
        '--url',
        bench.url,
        '--json',
        '--quiet',
      ];
      const outcome = await runHaul(args, { measureMemory: true });
      const rows = reportedRows(outcome);
      if (rows !== bench.file.rows)
        throw new Error(`haul reported ${rows} rows, expected ${bench.file.rows}`);
      if (outcome.peakRssBytes === undefined) throw new Error('could not measure the peak RSS');
      bench.log(`  peak RSS measured with ${outcome.peakRssSource}`);
      return outcome;
    },
  };
  return measureLoader(
    [contender],
    {
      beforeRun: () => bench.table.recreate(),
      async afterRun() {
        const rows = await bench.table.count();
        return { ok: rows === bench.file.rows, detail: `${rows} rows (expected ${bench.file.rows})` };
      },
    },
    { workload: 'loader-memory', runs: 1, rows: bench.file.rows, bytes: bench.file.bytes, log: bench.log },
  );
}
