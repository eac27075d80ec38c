/**
 * The COPY tables of `pnpm bench` (`--workloads copy`): rows generated once in memory, a reference
 * load (unmeasured) that yields the expected fingerprints and psql's binary files, then the load
 * table, the dump table and Haul's encoder alone, each printed as it finishes.
 */

import { POSTGRESJS_COPY, POSTGRESJS_COPY_OUT } from './contenders/copy-postgresjs.ts';
import { dumpBinaryFixtures, PSQL_COPY, PSQL_COPY_OUT, removeFixtures } from './contenders/copy-psql.ts';
import { copyRoster } from './contenders/copy-roster.ts';
import type { WorkloadId } from './contenders/types.ts';
import type { Admin, CopySummary } from './lib/admin.ts';
import { type CopyBaselines, copyConsoleTable, copyMarkdownTable } from './lib/copy-report.ts';
import { makeCopyRows } from './lib/copy-rows.ts';
import {
  type Check,
  type ContenderResult,
  type MeasureOptions,
  measureWorkload,
  type RunHooks,
} from './lib/measure.ts';
import type { BenchOptions } from './lib/options.ts';
import { checkLines, WORKLOAD_TITLES } from './lib/report.ts';
import type { BaselineNames } from './lib/results-file.ts';

export type CopyWorkloadId = 'copy-in' | 'copy-out' | 'copy-encode';

export const COPY_BASELINES: Record<CopyWorkloadId, BaselineNames> = {
  'copy-in': { psql: PSQL_COPY, postgresjs: POSTGRESJS_COPY },
  'copy-out': { psql: PSQL_COPY_OUT, postgresjs: POSTGRESJS_COPY_OUT },
  'copy-encode': {},
};

export interface CopyOutcome {
  results: Partial<Record<WorkloadId, ContenderResult[]>>;
  markdown: string[];
  failed: boolean;
}

type Log = (line: string) => void;

const noHooks: RunHooks = {
  beforeRun: async () => {},
  afterRun: async () => undefined,
};

function sameRows(found: CopySummary, expected: CopySummary | undefined): boolean {
  return expected !== undefined && found.rows === expected.rows && found.fingerprint === expected.fingerprint;
}

/** Loads start from an empty, checkpointed table and must leave exactly the reference rows behind. */
function loadHooks(admin: Admin, reference: Map<number, CopySummary>): RunHooks {
  return {
    beforeRun: () => admin.truncateCopyTable(),
    async afterRun(count): Promise<Check> {
      const found = await admin.summarizeCopyTable();
      const expected = reference.get(count);
      if (sameRows(found, expected)) {
        return { ok: true, detail: `${found.rows} rows, fingerprint equal to the reference load` };
      }
      return {
        ok: false,
        detail: `${found.rows} rows, fingerprint ${found.fingerprint} (expected ${count} rows, fingerprint ${expected?.fingerprint})`,
      };
    },
  };
}

function baselinesOf(workload: CopyWorkloadId, results: ContenderResult[]): CopyBaselines {
  const names = COPY_BASELINES[workload];
  return {
    psql: results.find((result) => result.contender === names.psql),
    postgresjs: results.find((result) => result.contender === names.postgresjs),
  };
}

function failedAny(results: ContenderResult[]): boolean {
  return results.some((result) => result.status === 'failed' || result.checks.some((check) => !check.ok));
}

export async function runCopyWorkloads(
  admin: Admin,
  url: string,
  options: BenchOptions,
  log: Log,
): Promise<CopyOutcome> {
  const total = options.copyRows;
  const measure: MeasureOptions = {
    count: total,
    warmup: Math.min(options.copyWarmup, total),
    runs: options.runs,
    unit: 'rows',
  };
  const outcome: CopyOutcome = { results: {}, markdown: [], failed: false };

  function report(workload: CopyWorkloadId, results: ContenderResult[], extra: string[] = []): void {
    const baselines = baselinesOf(workload, results);
    log(`\n${copyConsoleTable(results, baselines)}\n`);
    for (const line of extra) log(line);
    const runs = `${total.toLocaleString('en-US')} rows, median of ${options.runs} runs`;
    outcome.markdown.push(`**${WORKLOAD_TITLES[workload]}** (${runs}, one connection each)\n`);
    outcome.markdown.push(`${copyMarkdownTable(results, baselines)}\n`);
    outcome.results[workload] = results;
    outcome.failed ||= failedAny(results);
  }

  log(`  generating ${total.toLocaleString('en-US')} rows in memory`);
  const rows = makeCopyRows(total);
  await admin.createCopyTable();
  log('  reference load (pg-copy-streams, text format, unmeasured), fingerprints, binary dumps for psql');
  await admin.fillCopyTable(rows, total);
  const reference = new Map<number, CopySummary>([
    [total, await admin.summarizeCopyTable()],
    [measure.warmup, await admin.summarizeCopyTable(measure.warmup)],
  ]);
  if (reference.get(total)?.rows !== total) {
    throw new Error(`the reference load left ${reference.get(total)?.rows} rows, expected ${total}`);
  }
  const fixtures = await dumpBinaryFixtures(url, [measure.warmup, total]).catch((error: unknown) =>
    error instanceof Error ? error : new Error(String(error)),
  );
  try {
    const roster = await copyRoster(rows, total, fixtures);

    log(`== ${WORKLOAD_TITLES['copy-in']}`);
    const loaded = await measureWorkload(roster.load, url, loadHooks(admin, reference), measure, log);
    const checks = checkLines(loaded, measure.warmup);
    report('copy-in', loaded, [
      `table check (count and fingerprint after every run):\n  ${checks.join('\n  ')}\n`,
    ]);

    log(`== ${WORKLOAD_TITLES['copy-out']}`);
    if (!sameRows(await admin.summarizeCopyTable(), reference.get(total))) {
      log('  the table does not hold the reference rows: loading them again (unmeasured)');
      await admin.fillCopyTable(rows, total);
    }
    report('copy-out', await measureWorkload(roster.dump, url, noHooks, measure, log));

    log(`== ${WORKLOAD_TITLES['copy-encode']}`);
    const encoded = await measureWorkload(roster.encode, url, noHooks, measure, log);
    const extra: string[] = [];
    const dump = fixtures instanceof Error ? undefined : fixtures.files.get(total);
    if (roster.compareWithServerDump && dump) {
      const check = await roster.compareWithServerDump(total, dump.path);
      for (const result of encoded) result.checks.push(check);
      extra.push(
        `encoder output vs the server's own binary dump: ${check.ok ? 'OK' : 'DIFFERENT'}, ${check.detail}\n`,
      );
    }
    report('copy-encode', encoded, extra);
  } finally {
    if (!(fixtures instanceof Error)) await removeFixtures(fixtures);
    await admin.dropCopyTable();
  }
  return outcome;
}
