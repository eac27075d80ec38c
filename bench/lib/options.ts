/**
 * Command-line options of `pnpm bench`, e.g. `pnpm bench --count 5000 --workloads select`.
 */

import { parseArgs } from 'node:util';
import type { WorkloadId } from '../contenders/types.ts';

export interface BenchOptions {
  /** Operations per measured run. */
  count: number;
  /** Operations in the unmeasured warm-up run of each contender. */
  warmup: number;
  /** Measured runs per contender; the table shows the median. */
  runs: number;
  workloads: WorkloadId[];
  /** Statements per pgbench pipeline; by default a whole run is one pipeline. */
  pgbenchPipeline: number | undefined;
}

const USAGE = `usage: pnpm bench [--count N] [--warmup N] [--runs N] [--workloads select,insert] [--pgbench-pipeline N]`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new Error(`--${name} must be a positive integer, got "${value}"\n${USAGE}`);
  }
  return parsed;
}

function workloadList(value: string | undefined): WorkloadId[] {
  if (value === undefined) return ['select', 'insert'];
  const ids = value.split(',').map((part) => part.trim());
  for (const id of ids) {
    if (id !== 'select' && id !== 'insert') {
      throw new Error(`unknown workload "${id}": choose from select, insert\n${USAGE}`);
    }
  }
  return ids as WorkloadId[];
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
    },
  });
  const pipeline = values['pgbench-pipeline'];
  return {
    count: positiveInt('count', values.count, 20_000),
    warmup: positiveInt('warmup', values.warmup, 1_000),
    runs: positiveInt('runs', values.runs, 3),
    workloads: workloadList(values.workloads),
    pgbenchPipeline: pipeline === undefined ? undefined : positiveInt('pgbench-pipeline', pipeline, 1),
  };
}
