/**
 * Writes `bench/results/latest.json`: the machine, the server, the options and every contender's
 * runs, rounded for reading.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname } from 'node:path';
import type { WorkloadId } from '../contenders/types.ts';
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

function rounded(result: ContenderResult, baseline: ContenderResult | undefined) {
  return {
    ...result,
    runsMs: result.runsMs.map((ms) => round(ms, 2)),
    medianOpsPerSec: round(result.medianOpsPerSec, 0),
    bestOpsPerSec: round(result.bestOpsPerSec, 0),
    ratioToPostgresjs: round(ratio(result, baseline), 3),
  };
}

export async function writeResults(
  path: string,
  database: Database,
  options: BenchOptions,
  results: Partial<Record<WorkloadId, ContenderResult[]>>,
  baselineName: string,
): Promise<void> {
  const workloads = Object.entries(results).map(([workload, measured]) => {
    const baseline = measured.find((result) => result.contender === baselineName);
    const title = WORKLOAD_TITLES[workload as WorkloadId];
    return [workload, { title, results: measured.map((result) => rounded(result, baseline)) }];
  });
  const report = {
    generatedAt: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
    },
    database: { source: database.source, url: redact(database.url), serverVersion: database.serverVersion },
    options: { ...options, pgbenchPipeline: options.pgbenchPipeline ?? options.count },
    workloads: Object.fromEntries(workloads),
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, formatJson(report));
}
