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
  /** Operations in the unmeasured warm-up run of each contender. */
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
  'usage: pnpm bench [--count N] [--warmup N] [--runs N]' +
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
    },
  });
  const pipeline = values['pgbench-pipeline'];
  return {
    count: positiveInt('count', values.count, 20_000),
    warmup: positiveInt('warmup', values.warmup, 1_000),
    runs: positiveInt('runs', values.runs, 3),
    workloads: workloadList(values.workloads),
    copyRows: positiveInt('copy-rows', values['copy-rows'], 1_000_000),
    copyWarmup: positiveInt('copy-warmup', values['copy-warmup'], 100_000),
    pgbenchPipeline: pipeline === undefined ? undefined : positiveInt('pgbench-pipeline', pipeline, 1),
  };
}
