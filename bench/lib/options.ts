/**
 * Command-line options of `pnpm bench`, e.g. `pnpm bench --count 5000 --workloads select`.
 */

import { parseArgs } from 'node:util';

/** What `--workloads` selects: `copy` stands for its three tables (load, dump, encoder alone). */
export type WorkloadChoice = 'select' | 'insert' | 'copy';

const CHOICES: readonly WorkloadChoice[] = ['select', 'insert', 'copy'];

export interface BenchOptions {
  /** Operations per measured run. */
  count: number;
  /** Operations in the unmeasured warm-up run of each contender; default twice `count`. */
  warmup: number;
  /** Measured runs per contender; the table shows the median. */
  runs: number;
  workloads: WorkloadChoice[];
  /** Rows per measured COPY run (each COPY contender loads, and dumps, this many). */
  copyRows: number;
  /** Rows in the unmeasured COPY warm-up run of each contender. */
  copyWarmup: number;
  /** Statements per pgbench pipeline; by default a whole run is one pipeline. */
  pgbenchPipeline: number | undefined;
}

const USAGE =
  'usage: pnpm bench [--quick] [--count N] [--warmup N] [--runs N]' +
  ' [--workloads select,insert,copy,load,export,memory,worker]' +
  ' [--pgbench-pipeline N] [--copy-rows N] [--copy-warmup N] [--load-rows N] [--memory-mb N]';

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new Error(`--${name} must be a positive integer, got "${value}"\n${USAGE}`);
  }
  return parsed;
}

function workloadList(value: string | undefined): WorkloadChoice[] {
  if (value === undefined) return [...CHOICES];
  const ids = value.split(',').map((part) => part.trim());
  for (const id of ids) {
    if (!(CHOICES as readonly string[]).includes(id)) {
      throw new Error(`unknown workload "${id}": choose from ${CHOICES.join(', ')}\n${USAGE}`);
    }
  }
  return ids as WorkloadChoice[];
}

/**
 * `--quick`: every workload small enough to take a few seconds, still median of 3 and still against
 * its peers in the same run, for a first look after a change. Explicit flags override these.
 */
export const QUICK_DEFAULTS = {
  count: 5_000,
  warmup: 500,
  copyRows: 100_000,
  copyWarmup: 10_000,
  loadRows: 100_000,
  memoryMegabytes: 100,
} as const;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      count: { type: 'string' },
      warmup: { type: 'string' },
      runs: { type: 'string' },
      workloads: { type: 'string' },
      'pgbench-pipeline': { type: 'string' },
      'copy-rows': { type: 'string' },
      'copy-warmup': { type: 'string' },
      quick: { type: 'boolean' },
    },
  });
  const quick = values.quick === true;
  const pipeline = values['pgbench-pipeline'];
  const count = positiveInt('count', values.count, quick ? QUICK_DEFAULTS.count : 20_000);
  return {
    count,
    // Two runs' worth: V8 is still compiling the hot paths through the first 20k (266 optimizing
    // compiles and young-generation growth, measured), so a 1,000-op warm-up left every contender's
    // first measured run slow. The same warm-up for each contender.
    warmup: positiveInt('warmup', values.warmup, quick ? QUICK_DEFAULTS.warmup : 2 * count),
    runs: positiveInt('runs', values.runs, 3),
    workloads: workloadList(values.workloads),
    copyRows: positiveInt('copy-rows', values['copy-rows'], quick ? QUICK_DEFAULTS.copyRows : 1_000_000),
    copyWarmup: positiveInt(
      'copy-warmup',
      values['copy-warmup'],
      quick ? QUICK_DEFAULTS.copyWarmup : 100_000,
    ),
    pgbenchPipeline: pipeline === undefined ? undefined : positiveInt('pgbench-pipeline', pipeline, 1),
  };
}
