/**
 * The loader benchmarks' part of `pnpm bench`'s command line. `--workloads` may name `load`, `export`
 * and `memory` next to the driver workloads (select, insert, copy); they are taken out here so that
 * lib/options.ts sees only its own. Flags: `--load-rows N` (rows of the A2/A3 CSV, default
 * 1,000,000) and `--memory-mb N` (size of the M1 CSV, default 1000). The worker benchmark
 * (run-worker.ts) is taken out here too: `worker` (W1 and W2), `worker-load` (W1) or `worker-ws` (W2);
 * it runs only when named, since it starts servers and wrangler.
 */
import { parseArgs } from 'node:util';
import { QUICK_DEFAULTS } from './options.ts';

export type LoaderWorkload = 'load' | 'export' | 'memory' | 'staged';

export const LOADER_WORKLOADS: readonly LoaderWorkload[] = ['load', 'export', 'memory', 'staged'];

/** `worker` selects both parts of the worker benchmark. */
const WORKER_WORKLOADS = ['worker', 'worker-load', 'worker-ws'] as const;

export interface WorkerSelection {
  /** W1: the A2 file loaded through the worker. */
  load: boolean;
  /** W2: pipelined selects over the worker's /v1/ws. */
  ws: boolean;
}

export interface LoaderOptions {
  workloads: LoaderWorkload[];
  /** Rows in the A2 CSV file (loaded, then exported by A3). */
  loadRows: number;
  /** Megabytes (10^6 bytes) of the M1 CSV file. */
  memoryMegabytes: number;
}

export interface SplitArguments {
  /** The command line for lib/options.ts, without the loader's workloads and flags. */
  coreArgv: string[];
  /** True when --workloads named only loader workloads: run none of the driver ones. */
  noCoreWorkloads: boolean;
  loader: LoaderOptions;
  worker: WorkerSelection;
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new Error(`--${name} must be a positive integer, got "${value}"`);
  }
  return parsed;
}

/** Pulls `--workloads`, `--load-rows` and `--memory-mb` out of `argv`, passing the rest through. */
export function splitLoaderArguments(argv: readonly string[]): SplitArguments {
  const { values, tokens } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      workloads: { type: 'string' },
      'load-rows': { type: 'string' },
      'memory-mb': { type: 'string' },
      quick: { type: 'boolean' },
    },
    strict: false,
    tokens: true,
  });
  const mine = new Set(['workloads', 'load-rows', 'memory-mb']);
  const quick = values.quick === true;
  const coreArgv: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option' && mine.has(token.name)) continue;
    if (token.kind === 'option') {
      coreArgv.push(token.rawName);
      if (token.value !== undefined) coreArgv.push(token.value);
    } else if (token.kind === 'positional') coreArgv.push(token.value);
  }

  const requested =
    typeof values.workloads === 'string' ? values.workloads.split(',').map((part) => part.trim()) : undefined;
  const loaderWorkloads = requested
    ? requested.filter((id): id is LoaderWorkload => (LOADER_WORKLOADS as readonly string[]).includes(id))
    : [...LOADER_WORKLOADS];
  const notCore = [...LOADER_WORKLOADS, ...WORKER_WORKLOADS] as readonly string[];
  const core = requested?.filter((id) => !notCore.includes(id));
  if (core && core.length > 0) coreArgv.push('--workloads', core.join(','));

  return {
    coreArgv,
    noCoreWorkloads: core !== undefined && core.length === 0,
    loader: {
      workloads: loaderWorkloads,
      loadRows: positive(
        'load-rows',
        values['load-rows'] as string | undefined,
        quick ? QUICK_DEFAULTS.loadRows : 1_000_000,
      ),
      memoryMegabytes: positive(
        'memory-mb',
        values['memory-mb'] as string | undefined,
        quick ? QUICK_DEFAULTS.memoryMegabytes : 1000,
      ),
    },
    worker: {
      load: requested?.some((id) => id === 'worker' || id === 'worker-load') ?? false,
      ws: requested?.some((id) => id === 'worker' || id === 'worker-ws') ?? false,
    },
  };
}
