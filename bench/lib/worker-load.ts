/**
 * W1: the A2 CSV file loaded through the worker (`POST /v1/tables/bench_loader/load`, the file streamed
 * as the body) on Node and on workerd, against `haul load` run directly on the same file with the
 * same shards. Every worker run gets a fresh server (started and stopped outside the timed part), so
 * its peak memory belongs to that one upload; the CLI is timed spawn to exit, as in A2. After every
 * run the table must hold the file's rows with the same values (fingerprint) as every other run.
 */
import type { CsvFile } from './csv-file.ts';
import { sampleHeap } from './inspector-heap.ts';
import { reportedRows, runHaul, shardArgs } from './loader-commands.ts';
import type { LoaderResult } from './loader-report.ts';
import { type LoaderContender, measureLoader } from './loader-runs.ts';
import { LOADER_TABLE, type LoaderTable, type TableSummary } from './loader-table.ts';
import { procMemory, sampleRss } from './proc-memory.ts';
import { BENCH_TOKEN, type WorkerServer } from './worker-servers.ts';
import { uploadFile } from './worker-upload.ts';

/** The shards the CLI does best with in A2; workerd also runs at its cap of 5. */
export const LOAD_SHARDS = 2;
export const WORKERD_MAX_SHARDS = 5;

export const CLI_LOAD = `haul load (CLI), ${LOAD_SHARDS} shards`;

/** One run's memory: the server's (the CLI's own for the CLI) and, for a worker, its isolate's heap. */
export interface MemoryReading {
  /** RSS before the upload (the idle server), bytes; undefined for the CLI. */
  idleRssBytes?: number;
  /** Peak RSS: VmHWM of the server's processes (summed for workerd's), or the CLI's peak. */
  peakRssBytes?: number;
  /** Highest summed VmRSS polled every 50 ms during the upload. */
  polledRssBytes?: number;
  /** Highest V8 heap `usedSize` / `totalSize` polled every 100 ms during the upload. */
  heapUsedBytes?: number;
  heapTotalBytes?: number;
}

export type WorkerLoadResult = LoaderResult & { memory: MemoryReading[] };

export interface WorkerLoadBench {
  url: string;
  table: LoaderTable;
  file: CsvFile;
  runs: number;
  /** Starts a fresh Node worker / workerd; undefined when that runtime cannot run here. */
  startNode: () => Promise<WorkerServer>;
  startWorkerd: (() => Promise<WorkerServer>) | undefined;
  workerdUnavailable?: string;
  log: (line: string) => void;
}

function cliContender(bench: WorkerLoadBench, memory: MemoryReading[]): LoaderContender {
  return {
    name: CLI_LOAD,
    async run() {
      const args = ['load', bench.file.path, '--table', LOADER_TABLE, '--url', bench.url];
      const outcome = await runHaul([...args, ...shardArgs(LOAD_SHARDS), '--json', '--quiet'], {
        measureMemory: true,
      });
      const rows = reportedRows(outcome);
      if (rows !== bench.file.rows)
        throw new Error(`haul reported ${rows} rows, expected ${bench.file.rows}`);
      memory.push(outcome.peakRssBytes === undefined ? {} : { peakRssBytes: outcome.peakRssBytes });
      return outcome;
    },
  };
}

/** Sums a reading over the server's processes (workerd runs two); undefined if none could be read. */
async function summed(server: WorkerServer, pick: 'rssBytes' | 'hwmBytes'): Promise<number | undefined> {
  const readings = await Promise.all(server.memoryPids().map((pid) => procMemory(pid)));
  const known = readings.filter((reading) => reading !== undefined);
  return known.length === 0 ? undefined : known.reduce((total, reading) => total + reading[pick], 0);
}

function workerContender(
  name: string,
  start: () => Promise<WorkerServer>,
  shards: number,
  bench: WorkerLoadBench,
  memory: MemoryReading[],
  unavailable?: string,
): LoaderContender {
  return {
    name,
    ...(unavailable === undefined ? {} : { unavailable }),
    async run() {
      const server = await start();
      try {
        const idleRssBytes = await summed(server, 'rssBytes');
        const heap = await sampleHeap(server.inspectorPort);
        const rss = sampleRss(() => server.memoryPids());
        let upload: Awaited<ReturnType<typeof uploadFile>>;
        try {
          upload = await uploadFile({
            baseUrl: server.url,
            token: BENCH_TOKEN,
            table: LOADER_TABLE,
            path: bench.file.path,
            bytes: bench.file.bytes,
            shards,
          });
        } finally {
          const polledRssBytes = rss.stop();
          const peak = await heap.stop();
          const peakRssBytes = await summed(server, 'hwmBytes');
          memory.push({
            ...(idleRssBytes === undefined ? {} : { idleRssBytes }),
            ...(peakRssBytes === undefined ? {} : { peakRssBytes }),
            polledRssBytes,
            ...(peak.samples > 0 ? { heapUsedBytes: peak.usedBytes, heapTotalBytes: peak.totalBytes } : {}),
          });
        }
        if (upload.rows !== bench.file.rows)
          throw new Error(`the worker reported ${upload.rows} rows, expected ${bench.file.rows}`);
        const peakRssBytes = memory.at(-1)?.peakRssBytes;
        return { ms: upload.ms, ...(peakRssBytes === undefined ? {} : { peakRssBytes }) };
      } finally {
        await server.stop();
      }
    },
  };
}

export async function runWorkerLoadBench(bench: WorkerLoadBench): Promise<WorkerLoadResult[]> {
  const memory = new Map<string, MemoryReading[]>();
  const readings = (name: string) => {
    const list: MemoryReading[] = [];
    memory.set(name, list);
    return list;
  };
  const node = `worker on Node, ${LOAD_SHARDS} shards`;
  const workerd = (shards: number) => `worker on workerd, ${shards} shards`;
  const missing = bench.startWorkerd === undefined ? (bench.workerdUnavailable ?? 'no workerd') : undefined;
  const startWorkerd = bench.startWorkerd ?? (() => Promise.reject(new Error(missing)));
  const contenders = [
    cliContender(bench, readings(CLI_LOAD)),
    workerContender(node, bench.startNode, LOAD_SHARDS, bench, readings(node)),
    workerContender(
      workerd(LOAD_SHARDS),
      startWorkerd,
      LOAD_SHARDS,
      bench,
      readings(workerd(LOAD_SHARDS)),
      missing,
    ),
    workerContender(
      workerd(WORKERD_MAX_SHARDS),
      startWorkerd,
      WORKERD_MAX_SHARDS,
      bench,
      readings(workerd(WORKERD_MAX_SHARDS)),
      missing,
    ),
  ];

  // The CLI's first start and the worker's first compile are not what is measured.
  bench.log('  warm-up: one CLI load (unmeasured)');
  await bench.table.recreate();
  await contenders[0]!.run();
  memory.get(CLI_LOAD)!.length = 0;

  let reference: TableSummary | undefined;
  const results = await measureLoader(
    contenders,
    {
      beforeRun: () => bench.table.recreate(),
      async afterRun() {
        const found = await bench.table.summarize();
        reference ??= found;
        const ok = found.rows === bench.file.rows && found.fingerprint === reference.fingerprint;
        const detail = ok
          ? `${found.rows} rows, fingerprint equal to the first run's`
          : `${found.rows} rows (expected ${bench.file.rows}), fingerprint ${found.fingerprint} (expected ${reference.fingerprint})`;
        return { ok, detail };
      },
    },
    {
      workload: 'worker-load',
      runs: bench.runs,
      rows: bench.file.rows,
      bytes: bench.file.bytes,
      log: bench.log,
    },
  );
  return results.map((result) => ({ ...result, memory: memory.get(result.contender) ?? [] }));
}
