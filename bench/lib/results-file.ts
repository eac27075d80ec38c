/**
 * Writes `bench/results/latest.json`: the machine, the server, the options and every contender's
 * runs, rounded for reading, merged with the workloads of the previous file that this run skipped.
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname } from 'node:path';
import type { WorkloadId } from '../contenders/types.ts';
import { timeRatio } from './copy-report.ts';
import type { Database } from './database.ts';
import { redact } from './database.ts';
import type { ContenderResult } from './measure.ts';
import type { BenchOptions } from './options.ts';
import { ratio, WORKLOAD_TITLES } from './report.ts';

/** A bracketed list of numbers, strings, booleans or nulls that `JSON.stringify` spread over lines. */
const PRIMITIVE_ARRAY = /\[\n\s*((?:[^[\]{}\n]+,\n\s*)*[^[\]{}\n]+)\n\s*\]/g;

/**
 * Two-space JSON with lists of primitives kept on one line, which is how the repository's
 * formatter (Biome) lays the file out, so a fresh result passes `pnpm lint` unchanged.
 */
export function formatJson(value: unknown): string {
  const spread = JSON.stringify(value, null, 2);
  return `${spread.replace(PRIMITIVE_ARRAY, (_, items: string) => `[${items.split(/,\n\s*/).join(', ')}]`)}\n`;
}

const round = (value: number | undefined, places: number) =>
  value === undefined ? undefined : Math.round(value * 10 ** places) / 10 ** places;

/** The contenders a workload's ratios refer to, by name: postgres.js everywhere, psql for COPY. */
export interface BaselineNames {
  postgresjs?: string;
  psql?: string;
}

function rounded(
  result: ContenderResult,
  postgresjs: ContenderResult | undefined,
  psql: ContenderResult | undefined,
) {
  return {
    ...result,
    runsMs: result.runsMs.map((ms) => round(ms, 2)),
    medianOpsPerSec: round(result.medianOpsPerSec, 0),
    bestOpsPerSec: round(result.bestOpsPerSec, 0),
    medianMBPerSec: round(result.medianMBPerSec, 1),
    ratioToPostgresjs: round(ratio(result, postgresjs), 3),
    timeRatioToPsql: round(timeRatio(result, psql), 3),
  };
}

/**
 * Workloads of the previous file that this run did not measure, kept as they were (each carries its
 * own `generatedAt` and `options`), so that `--workloads copy` does not erase the select numbers.
 */
async function previousWorkloads(path: string): Promise<Record<string, unknown>> {
  try {
    const previous = JSON.parse(await readFile(path, 'utf8')) as { workloads?: Record<string, unknown> };
    return previous.workloads ?? {};
  } catch {
    return {};
  }
}

/** The options that shaped one workload's numbers. */
function workloadOptions(workload: WorkloadId, options: BenchOptions) {
  if (workload === 'select' || workload === 'insert') {
    const pgbenchPipeline = workload === 'select' ? (options.pgbenchPipeline ?? options.count) : undefined;
    return { count: options.count, warmup: options.warmup, runs: options.runs, pgbenchPipeline };
  }
  const warmup = Math.min(options.copyWarmup, options.copyRows);
  return { count: options.copyRows, warmup, runs: options.runs };
}

export async function writeResults(
  path: string,
  database: Database,
  options: BenchOptions,
  results: Partial<Record<WorkloadId, ContenderResult[]>>,
  baselines: Partial<Record<WorkloadId, BaselineNames>>,
): Promise<void> {
  const generatedAt = new Date().toISOString();
  const measured = Object.entries(results).map(([key, list]) => {
    const workload = key as WorkloadId;
    const names = baselines[workload] ?? {};
    const postgresjs = list.find((result) => result.contender === names.postgresjs);
    const psql = list.find((result) => result.contender === names.psql);
    const entry = {
      title: WORKLOAD_TITLES[workload],
      generatedAt,
      options: workloadOptions(workload, options),
      results: list.map((result) => rounded(result, postgresjs, psql)),
    };
    return [workload, entry] as const;
  });
  const report = {
    generatedAt,
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
    },
    database: { source: database.source, url: redact(database.url), serverVersion: database.serverVersion },
    options: { ...options, pgbenchPipeline: options.pgbenchPipeline ?? options.count },
    workloads: { ...(await previousWorkloads(path)), ...Object.fromEntries(measured) },
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, formatJson(report));
}
