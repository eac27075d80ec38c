/**
 * `pnpm bench`: Haul against postgres.js, pg, pgbench and psql, one connection each, in one run.
 * Prints a table per workload and a Markdown table for the README, and writes `results/latest.json`.
 * A benchmark, never a timed test: numbers depend on the machine and what else runs on it.
 */

import { fileURLToPath } from 'node:url';
import { POSTGRESJS } from './contenders/postgresjs.ts';
import { roster } from './contenders/roster.ts';
import type { WorkloadId } from './contenders/types.ts';
import { Admin } from './lib/admin.ts';
import { redact, resolveDatabase } from './lib/database.ts';
import { splitLoaderArguments } from './lib/loader-options.ts';
import { mergeLoaderResults } from './lib/loader-results.ts';
import { type ContenderResult, measureWorkload, type RunHooks } from './lib/measure.ts';
import { parseOptions } from './lib/options.ts';
import { checkLines, consoleTable, markdownTable, WORKLOAD_TITLES } from './lib/report.ts';
import { type BaselineNames, writeResults } from './lib/results-file.ts';
import { mergeWorkerResults } from './lib/worker-results.ts';
import { COPY_BASELINES, runCopyWorkloads } from './run-copy.ts';
import { type LoaderOutcome, runLoaderWorkloads } from './run-loader.ts';
import { runWorkerWorkloads, type WorkerOutcome } from './run-worker.ts';

const RESULTS_PATH = fileURLToPath(new URL('./results/latest.json', import.meta.url));

const log = (line: string) => console.log(line);

const noHooks: RunHooks = {
  beforeRun: async () => {},
  afterRun: async () => undefined,
};

/** Insert runs start from an empty table and must leave exactly `count` rows with distinct ids. */
function insertHooks(admin: Admin): RunHooks {
  return {
    beforeRun: () => admin.truncateInsertTable(),
    async afterRun(count) {
      const { rows, distinctIds } = await admin.countInserted();
      const ok = rows === count && distinctIds === count;
      return { ok, detail: `${rows} rows, ${distinctIds} distinct ids (expected ${count})` };
    },
  };
}

// The loader's workloads (load, export, memory) and flags are split off; lib/options.ts gets the rest.
const split = splitLoaderArguments(process.argv.slice(2));
const options = parseOptions(split.coreArgv);
if (split.noCoreWorkloads) options.workloads = [];
const loaderOptions = split.loader;
const database = await resolveDatabase(log);
log(`PostgreSQL ${database.serverVersion} at ${redact(database.url)} (${database.source})`);
log(`${options.count} ops per run, ${options.warmup} warm-up ops, median of ${options.runs} runs`);
if (options.workloads.includes('copy'))
  log(
    `COPY: ${options.copyRows} rows per run, ${Math.min(options.copyWarmup, options.copyRows)} in the warm-up`,
  );
if (loaderOptions.workloads.length > 0)
  log(
    `loader: ${loaderOptions.workloads.join(', ')}; ${loaderOptions.loadRows} CSV rows, ` +
      `${loaderOptions.memoryMegabytes} MB for the memory run`,
  );
log('');

const admin = await Admin.open(database.url);
const results: Partial<Record<WorkloadId, ContenderResult[]>> = {};
const markdown: string[] = [];
let failed = false;
let loader: LoaderOutcome | undefined;
let worker: WorkerOutcome | undefined;
try {
  const contenders = await roster(options.pgbenchPipeline);
  for (const workload of options.workloads) {
    if (workload === 'copy') {
      const copy = await runCopyWorkloads(admin, database.url, options, log);
      Object.assign(results, copy.results);
      markdown.push(...copy.markdown);
      failed ||= copy.failed;
      continue;
    }
    log(`== ${WORKLOAD_TITLES[workload]}`);
    if (workload === 'insert') await admin.createInsertTable();
    const hooks = workload === 'insert' ? insertHooks(admin) : noHooks;
    const measured = await measureWorkload(contenders[workload], database.url, hooks, options, log);
    if (workload === 'insert') await admin.dropInsertTable();
    results[workload] = measured;

    const baseline = measured.find((result) => result.contender === POSTGRESJS);
    log(`\n${consoleTable(measured, baseline)}\n`);
    const checks = checkLines(measured, options.warmup);
    if (checks.length > 0)
      log(`row-count check (select count(*) after every run):\n  ${checks.join('\n  ')}\n`);
    markdown.push(
      `**${WORKLOAD_TITLES[workload]}** (${options.count.toLocaleString('en-US')} ops, one connection)\n`,
    );
    markdown.push(`${markdownTable(measured, baseline)}\n`);
    failed ||= measured.some(
      (result) => result.status === 'failed' || result.checks.some((check) => !check.ok),
    );
  }
  if (loaderOptions.workloads.length > 0) {
    loader = await runLoaderWorkloads(database.url, loaderOptions, options.runs, log);
    markdown.push(...loader.markdown);
    failed ||= loader.failed;
  }
  if (split.worker.load || split.worker.ws) {
    worker = await runWorkerWorkloads(
      database.url,
      split.worker,
      { count: options.count, warmup: options.warmup, runs: options.runs, loadRows: loaderOptions.loadRows },
      log,
    );
    markdown.push(...worker.markdown);
    failed ||= worker.failed;
  }
} finally {
  await admin.close();
  await database.stop();
}

log(`Markdown for the README:\n\n${markdown.join('\n')}`);

const baselines: Partial<Record<WorkloadId, BaselineNames>> = {
  select: { postgresjs: POSTGRESJS },
  insert: { postgresjs: POSTGRESJS },
  ...COPY_BASELINES,
};
await writeResults(RESULTS_PATH, database, options, results, baselines);
if (loader) await mergeLoaderResults(RESULTS_PATH, loaderOptions, loader.entries);
if (worker) await mergeWorkerResults(RESULTS_PATH, worker.entries);
log(`results written to ${RESULTS_PATH}`);
if (failed) process.exitCode = 1;
