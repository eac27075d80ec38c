/**
 * S1 (issue 15): the A2 file into a table with a primary key, empty and holding 1,000,000 rows,
 * through each way a load can commit: direct (what `--commit auto` does on this server: one shard),
 * staged append, and, with half the file's keys already in the table, staged upsert and skip. The
 * peers are psql's own: `\copy` straight in, and `\copy` into a temp table then `INSERT … ON
 * CONFLICT` in one transaction (what users write by hand for an upsert). Each Haul run's ratio is
 * against the psql run that leaves the same table behind, and every run must leave exactly what an
 * unmeasured psql reference run left (row count and fingerprint).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { COPY_COLUMNS } from './copy-rows.ts';
import type { CsvFile } from './csv-file.ts';
import { psqlPath, psqlUnavailable, reportedRows, runHaul } from './loader-commands.ts';
import type { LoaderResult } from './loader-report.ts';
import { type LoaderContender, measureLoader } from './loader-runs.ts';
import { summarizeTable, type TableSummary } from './loader-table.ts';
import { runTimed } from './timed-process.ts';

export const STAGED_TABLE = 'bench_staged';

/** What the table holds before a run: nothing, 1M rows of other keys, or 1M rows half of whose keys the file has. */
type Target = 'empty' | 'other keys' | 'half the keys';
/** What the run leaves: the file appended, or the file upserted / skipped over the old rows. */
type Outcome = 'append' | 'update' | 'skip';

export interface StagedContender extends LoaderContender {
  target: Target;
  outcome: Outcome;
  /** The psql contender whose time this one's ratio is against (psql contenders: none). */
  peer?: string;
}

export interface StagedBench {
  url: string;
  file: CsvFile;
  dir: string;
  runs: number;
  log: (line: string) => void;
}

/** Phase times from each Haul run's JSON report, by contender. */
export type StagedPhases = Map<string, { stagedMs: number; publishMs: number }[]>;

const OTHER = COPY_COLUMNS.slice(1).map((column) => column.name);
const CREATE_SQL = `create table ${STAGED_TABLE} (${COPY_COLUMNS.map(
  (c) => `${c.name} ${c.type}${c.name === 'id' ? ' primary key' : ''}`,
).join(', ')})`;

/** 1M rows, other values than the file's: ids from `first` on. */
function prefillSql(first: number, rows: number): string {
  return `insert into ${STAGED_TABLE} select g, 'old-' || g, g * 0.5, timestamptz '2020-01-01' + g * interval '1 s',
    g % 2 = 0, md5(g::text)::uuid, 'old note ' || g from generate_series(${first}, ${first + rows - 1}) g`;
}

class StagedTable {
  private constructor(private readonly client: pg.Client) {}

  static async open(url: string): Promise<StagedTable> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new StagedTable(client);
  }

  /** The table as `target` says, vacuumed and checkpointed so no run pays for the last one's pages. */
  async reset(target: Target, fileRows: number): Promise<void> {
    await this.client.query(`drop table if exists ${STAGED_TABLE}`);
    await this.client.query(CREATE_SQL);
    if (target === 'other keys') await this.client.query(prefillSql(fileRows + 1, fileRows));
    if (target === 'half the keys') await this.client.query(prefillSql(fileRows / 2 + 1, fileRows));
    await this.client.query(`vacuum (freeze, analyze) ${STAGED_TABLE}`);
    await this.client.query('checkpoint');
  }

  summarize(): Promise<TableSummary> {
    return summarizeTable(this.client, STAGED_TABLE);
  }

  async close(): Promise<void> {
    await this.client.query(`drop table if exists ${STAGED_TABLE}`).catch(() => {});
    await this.client.end();
  }
}

function haulStaged(
  bench: StagedBench,
  phases: StagedPhases,
  spec: { name: string; target: Target; outcome: Outcome; peer: string; args: string[] },
): StagedContender {
  return {
    name: spec.name,
    target: spec.target,
    outcome: spec.outcome,
    peer: spec.peer,
    async run() {
      const args = ['load', bench.file.path, '--table', STAGED_TABLE, '--url', bench.url, ...spec.args];
      const outcome = await runHaul([...args, '--json', '--quiet']);
      reportedRows(outcome);
      const report = JSON.parse(outcome.stdout) as { stagedMs?: number; publishMs?: number };
      if (report.stagedMs !== undefined && report.publishMs !== undefined) {
        const list = phases.get(spec.name) ?? [];
        list.push({ stagedMs: report.stagedMs, publishMs: report.publishMs });
        phases.set(spec.name, list);
      }
      return outcome;
    },
  };
}

/** psql, one transaction: `\copy` into a temp table, then one INSERT … ON CONFLICT (or a plain `\copy`). */
async function psqlScript(bench: StagedBench, outcome: Outcome, name: string): Promise<string> {
  const path = join(bench.dir, `staged-${name.replace(/[^a-z0-9]+/gi, '-')}.sql`);
  const from = `from ${psqlPath(bench.file.path)} (format csv, header)`;
  const conflict =
    outcome === 'update'
      ? `do update set ${OTHER.map((column) => `${column} = excluded.${column}`).join(', ')}`
      : 'do nothing';
  const script =
    outcome === 'append'
      ? `\\copy ${STAGED_TABLE} ${from}\n`
      : [
          'begin;',
          `create temp table s (like ${STAGED_TABLE}) on commit drop;`,
          `\\copy s ${from}`,
          `insert into ${STAGED_TABLE} select * from s on conflict (id) ${conflict};`,
          'commit;',
          '',
        ].join('\n');
  await writeFile(path, script);
  return path;
}

function psqlContender(
  bench: StagedBench,
  spec: { name: string; target: Target; outcome: Outcome },
  unavailable: string | undefined,
): StagedContender {
  let script: string | undefined;
  return {
    ...spec,
    ...(unavailable === undefined ? {} : { unavailable }),
    async run() {
      script ??= await psqlScript(bench, spec.outcome, spec.name);
      return runTimed('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', bench.url, '-f', script]);
    },
  };
}

const PSQL_EMPTY = 'psql \\copy, empty table';
const PSQL_UPSERT = 'psql temp table + on conflict do update, half the keys';
const PSQL_SKIP = 'psql temp table + on conflict do nothing, half the keys';

export function stagedContenders(
  bench: StagedBench,
  phases: StagedPhases,
  psqlMissing: string | undefined,
): StagedContender[] {
  const rows = bench.file.rows;
  // The table holds as many rows as the file: "1M rows" in the full run.
  const full = `${rows >= 1e6 ? `${rows / 1e6}M` : `${rows / 1e3}k`} rows`;
  const psqlFull = `psql \\copy, ${full}, other keys`;
  const staged = ['--commit', 'staged', '--shards', '2'];
  const key = ['--key', 'id'];
  return [
    haulStaged(bench, phases, {
      name: 'haul direct (auto: 1 shard), empty table',
      target: 'empty',
      outcome: 'append',
      peer: PSQL_EMPTY,
      args: [],
    }),
    haulStaged(bench, phases, {
      name: 'haul staged append, 2 shards, empty table',
      target: 'empty',
      outcome: 'append',
      peer: PSQL_EMPTY,
      args: staged,
    }),
    psqlContender(bench, { name: PSQL_EMPTY, target: 'empty', outcome: 'append' }, psqlMissing),
    haulStaged(bench, phases, {
      name: `haul direct (auto: 1 shard), ${full}, other keys`,
      target: 'other keys',
      outcome: 'append',
      peer: psqlFull,
      args: [],
    }),
    haulStaged(bench, phases, {
      name: `haul staged append, 2 shards, ${full}, other keys`,
      target: 'other keys',
      outcome: 'append',
      peer: psqlFull,
      args: staged,
    }),
    psqlContender(bench, { name: psqlFull, target: 'other keys', outcome: 'append' }, psqlMissing),
    haulStaged(bench, phases, {
      name: 'haul staged upsert, 2 shards, half the keys',
      target: 'half the keys',
      outcome: 'update',
      peer: PSQL_UPSERT,
      args: [...staged, '--conflict', 'update', ...key],
    }),
    psqlContender(bench, { name: PSQL_UPSERT, target: 'half the keys', outcome: 'update' }, psqlMissing),
    haulStaged(bench, phases, {
      name: 'haul staged skip, 2 shards, half the keys',
      target: 'half the keys',
      outcome: 'skip',
      peer: PSQL_SKIP,
      args: [...staged, '--conflict', 'skip', ...key],
    }),
    psqlContender(bench, { name: PSQL_SKIP, target: 'half the keys', outcome: 'skip' }, psqlMissing),
  ];
}

export async function runStagedBench(
  bench: StagedBench,
): Promise<{ results: LoaderResult[]; contenders: StagedContender[]; phases: StagedPhases }> {
  const psqlMissing = await psqlUnavailable();
  const phases: StagedPhases = new Map();
  const contenders = stagedContenders(bench, phases, psqlMissing);
  const table = await StagedTable.open(bench.url);
  try {
    // The reference each run must leave: what psql's run of the same target and outcome left.
    const references = new Map<string, TableSummary>();
    const keyOf = (c: StagedContender) => `${c.target}/${c.outcome}`;
    const psqls = contenders.filter((c) => c.peer === undefined && c.unavailable === undefined);
    for (const contender of psqls) {
      bench.log(`  reference run (unmeasured): ${contender.name}`);
      await table.reset(contender.target, bench.file.rows);
      await contender.run();
      references.set(keyOf(contender), await table.summarize());
    }
    bench.log('  warm-up: one haul staged run (unmeasured)');
    await table.reset('empty', bench.file.rows);
    await contenders[1]!.run();
    phases.clear();
    const byName = new Map(contenders.map((c) => [c.name, c]));
    const results = await measureLoader(
      contenders,
      {
        beforeRun: (c) => table.reset(byName.get(c.name)!.target, bench.file.rows),
        async afterRun(c) {
          const found = await table.summarize();
          const expected = references.get(keyOf(byName.get(c.name)!));
          if (!expected) return { ok: true, detail: `${found.rows} rows (no psql reference)` };
          const ok = found.rows === expected.rows && found.fingerprint === expected.fingerprint;
          return {
            ok,
            detail: ok
              ? `${found.rows} rows, fingerprint equal to psql's`
              : `${found.rows} rows, fingerprint ${found.fingerprint} (psql: ${expected.rows}, ${expected.fingerprint})`,
          };
        },
      },
      {
        workload: 'loader-staged',
        runs: bench.runs,
        rows: bench.file.rows,
        bytes: bench.file.bytes,
        log: bench.log,
      },
    );
    for (const result of results) {
      const peer = byName.get(result.contender)?.peer;
      if (peer !== undefined) result.peer = peer;
      const phase = phases.get(result.contender);
      if (phase) result.runsPhasesMs = phase;
    }
    return { results, contenders, phases };
  } finally {
    await table.close();
  }
}
