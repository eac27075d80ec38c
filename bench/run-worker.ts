/**
 * The worker section of `pnpm bench` (`--workloads worker`, or `worker-ws` / `worker-load` alone):
 *
 * - W2: `select $1::int` × N pipelined over one connection: Haul over TCP, Haul over the worker's
 *   /v1/ws on Node and on workerd (under wrangler dev, and alone through Miniflare),
 *   @neondatabase/serverless through the Node proxy.
 * - W1: the A2 CSV file POSTed to the worker's load endpoint on Node and on workerd, against
 *   `haul load` run directly, with each server's peak memory.
 *
 * Servers run as child processes (lib/worker-servers.ts). workerd (wrangler dev) is optional: if it
 * does not start, its contenders are skipped with the reason.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Contender } from './contenders/types.ts';
import {
  HAUL_WS_BARE_WORKERD,
  HAUL_WS_NODE,
  HAUL_WS_WORKERD,
  haulTcp,
  haulWs,
  neonWs,
} from './contenders/ws-select.ts';
import { writeCsvFile } from './lib/csv-file.ts';
import type { WorkerSelection } from './lib/loader-options.ts';
import { LoaderTable } from './lib/loader-table.ts';
import { measureWorkload, type RunHooks } from './lib/measure.ts';
import { LOAD_SHARDS, runWorkerLoadBench, WORKERD_MAX_SHARDS } from './lib/worker-load.ts';
import {
  workerLoadConsole,
  workerLoadMarkdown,
  workerMemoryLines,
  wsSelectConsole,
  wsSelectMarkdown,
  wsTargetLines,
} from './lib/worker-report.ts';
import type { WorkerEntries } from './lib/worker-results.ts';
import {
  BENCH_TOKEN,
  startBareWorkerd,
  startNodeWorker,
  startWorkerd,
  type WorkerServer,
} from './lib/worker-servers.ts';

type Log = (line: string) => void;

export interface WorkerRunOptions {
  /** W2: selects per measured run and in the warm-up. */
  count: number;
  warmup: number;
  runs: number;
  /** W1: rows of the CSV file (the A2 file by default, 1,000,000 rows). */
  loadRows: number;
}

export interface WorkerOutcome {
  entries: WorkerEntries;
  markdown: string[];
  failed: boolean;
}

const noHooks: RunHooks = { beforeRun: async () => {}, afterRun: async () => undefined };

/** Starts workerd once to see whether it can run here; the reason when it cannot. */
async function probeWorkerd(url: string, log: Log): Promise<string | undefined> {
  try {
    const server = await startWorkerd(url);
    await server.stop();
    return undefined;
  } catch (error) {
    const reason = `wrangler dev did not start: ${(error as Error).message.split('\n')[0]}`;
    log(`  ${reason}; the workerd contenders are skipped`);
    return reason;
  }
}

async function runWsSelect(
  url: string,
  options: WorkerRunOptions,
  workerdMissing: string | undefined,
  log: Log,
): Promise<{ results: WorkerEntries['select']; markdown: string[]; failed: boolean }> {
  log(`== W2: select $1::int × ${options.count.toLocaleString('en-US')} over the worker's /v1/ws vs TCP`);
  const servers: WorkerServer[] = [];
  try {
    const node = await startNodeWorker(url);
    servers.push(node);
    const contenders: Contender[] = [
      haulTcp,
      haulWs(HAUL_WS_NODE, { baseUrl: node.url, token: BENCH_TOKEN }),
    ];
    if (workerdMissing === undefined) {
      const workerd = await startWorkerd(url);
      servers.push(workerd);
      contenders.push(haulWs(HAUL_WS_WORKERD, { baseUrl: workerd.url, token: BENCH_TOKEN }));
      const bare = await startBareWorkerd(url);
      servers.push(bare);
      contenders.push(haulWs(HAUL_WS_BARE_WORKERD, { baseUrl: bare.url, token: BENCH_TOKEN }));
    }
    contenders.push(neonWs({ baseUrl: node.url, token: BENCH_TOKEN }));
    const results = await measureWorkload(contenders, url, noHooks, options, log);
    log(`\n${wsSelectConsole(results)}\n`);
    for (const line of wsTargetLines(results)) log(`  ${line}`);
    log('  every run checked: the answers sum to 0 + 1 + … + (N − 1)\n');
    const markdown = [
      `**W2: \`select $1::int\` × ${options.count.toLocaleString('en-US')} issued at once, one connection** (median of ${options.runs})\n`,
      `${wsSelectMarkdown(results)}\n`,
    ];
    return {
      results: { results, options: { count: options.count, warmup: options.warmup, runs: options.runs } },
      markdown,
      failed: results.some((result) => result.status === 'failed'),
    };
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function runLoad(
  url: string,
  options: WorkerRunOptions,
  workerdMissing: string | undefined,
  log: Log,
): Promise<{ results: WorkerEntries['load']; markdown: string[]; failed: boolean }> {
  const dir = await mkdtemp(join(tmpdir(), 'haul-bench-worker-'));
  const table = await LoaderTable.open(url);
  try {
    log(`== W1: the A2 CSV file (${options.loadRows.toLocaleString('en-US')} rows) through the worker`);
    const started = performance.now();
    const file = await writeCsvFile(join(dir, 'a2.csv'), { rows: options.loadRows });
    log(
      `  generated ${(file.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        'each worker run starts a fresh server (untimed) and streams the file as the request body',
    );
    const results = await runWorkerLoadBench({
      url,
      table,
      file,
      runs: options.runs,
      startNode: () => startNodeWorker(url),
      startWorkerd: workerdMissing === undefined ? () => startWorkerd(url) : undefined,
      ...(workerdMissing === undefined ? {} : { workerdUnavailable: workerdMissing }),
      log,
    });
    log(`\n${workerLoadConsole(results)}\n`);
    for (const line of workerMemoryLines(results, file.bytes)) log(`  ${line}`);
    log(
      '  peak RSS: VmHWM of the fresh server (workerd: summed over its two processes; the CLI: ' +
        '/usr/bin/time or VmHWM); peak heap: V8 usedSize polled every 100 ms over the inspector\n',
    );
    const markdown = [
      `**W1: the A2 CSV (${file.rows.toLocaleString('en-US')} rows, ${(file.bytes / 1e6).toFixed(1)} MB) through the worker vs haul load** (median of ${options.runs}; CLI spawn to exit, worker request to last event)\n`,
      `${workerLoadMarkdown(results)}\n`,
    ];
    return {
      results: {
        results,
        options: {
          rows: file.rows,
          bytes: file.bytes,
          runs: options.runs,
          shards: LOAD_SHARDS,
          workerdMaxShards: WORKERD_MAX_SHARDS,
        },
      },
      markdown,
      failed: results.some((result) => result.status === 'failed'),
    };
  } finally {
    await table.drop().catch(() => {});
    await table.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runWorkerWorkloads(
  url: string,
  selection: WorkerSelection,
  options: WorkerRunOptions,
  log: Log,
): Promise<WorkerOutcome> {
  const outcome: WorkerOutcome = { entries: {}, markdown: [], failed: false };
  const workerdMissing = await probeWorkerd(url, log);
  if (selection.ws) {
    const ws = await runWsSelect(url, options, workerdMissing, log);
    if (ws.results) outcome.entries.select = ws.results;
    outcome.markdown.push(...ws.markdown);
    outcome.failed ||= ws.failed;
  }
  if (selection.load) {
    const load = await runLoad(url, options, workerdMissing, log);
    if (load.results) outcome.entries.load = load.results;
    outcome.markdown.push(...load.markdown);
    outcome.failed ||= load.failed;
  }
  return outcome;
}
