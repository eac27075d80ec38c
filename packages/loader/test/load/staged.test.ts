/**
 * Staged loads (`commit: 'staged'`) against a real server: the target sees none of a load or all of
 * it (a second session polls it throughout), a failed or killed load leaves its staged batches and a
 * re-run with the same load id finishes with exactly the source rows, and what cannot be resumed is
 * refused before any data moves. The PG 15 service runs with max_prepared_transactions = 0, where
 * the default atomic commit is the barrier.
 */
import { SqlState } from '@haul/protocol';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { BadRowError, LoadFailedError } from '../../src/errors.ts';
import { load } from '../../src/load/load.ts';
import { dropStagedLoad, listStagedLoads } from '../../src/load/staged-recover.ts';
import {
  type Admin,
  adminClient,
  scalar,
  slowCsv,
  terminateCopyingBackend,
  uniqueName,
  via,
} from '../support/database.ts';

const HEADER = 'id,name,score';
const line = (i: number) => `${i},"name ${i}, quoted",${i / 8}`;
const text = (rows: number, bad?: number) => {
  let out = `${HEADER}\n`;
  for (let i = 1; i <= rows; i++) out += i === bad ? `${i},bad,not-a-number\n` : `${line(i)}\n`;
  return out;
};

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e,
  );

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  async function table(ddl = '(id int8 primary key, name text, score float8)'): Promise<string> {
    const name = uniqueName('staged');
    await admin.unsafe(`create table ${name} ${ddl}`);
    return name;
  }

  /** One binary shard in 100-row batches: which batches a failure leaves staged is the same each run. */
  const oneShardStaged = (name: string, loadId: string) => ({
    ...via(url),
    table: name,
    format: 'csv' as const,
    shards: 1,
    batchRows: 100,
    commit: 'staged' as const,
    loadId,
    copyFormat: 'binary' as const,
  });

  const loadRow = async (loadId: string) =>
    (
      await admin<{ state: string; stage: string; rows: string | null }[]>`
      select state, stage, rows::text from haul.loads where load_id = ${loadId}`
    )[0];
  const stageExists = async (stage: string) =>
    (await admin<{ ok: boolean }[]>`select to_regclass(${stage}) is not null as ok`)[0]!.ok;
  const ledgerRows = (loadId: string) =>
    scalar(admin, 'select count(*)::int from haul.staged_batches where load_id = $1', [loadId]);

  it('publishes every row in one transaction, then leaves no stage or ledger behind', async () => {
    const name = await table();
    const loadId = uniqueName('ok');
    const report = await load({
      ...via(url),
      table: name,
      source: text(5000),
      format: 'csv',
      shards: 3,
      chunkBytes: 8 * 1024,
      batchRows: 700,
      commit: 'staged',
      loadId,
    });
    expect(report).toMatchObject({
      committed: true,
      commit: 'staged',
      rows: 5000,
      published: { inserted: 5000 },
    });
    expect(report.stagedMs).toBeGreaterThanOrEqual(0);
    expect(report.publishMs).toBeGreaterThanOrEqual(0);
    expect(report.shards.filter((shard) => shard.rows > 0).length).toBeGreaterThan(1);
    const sums = await admin<{ n: number; ids: string; names: number; score: number }[]>`
      select count(*)::int as n, sum(id)::text as ids, count(*) filter (where name = 'name ' || id || ', quoted')::int as names,
             sum(score)::float8 as score from ${admin(name)}`;
    expect(sums[0]).toEqual({
      n: 5000,
      ids: String((5000 * 5001) / 2),
      names: 5000,
      score: (5000 * 5001) / 2 / 8,
    });
    const row = await loadRow(loadId);
    expect(row).toMatchObject({ state: 'published', rows: '5000' });
    expect(await stageExists(row!.stage)).toBe(false);
    expect(await ledgerRows(loadId)).toBe(0);
  });

  it('fills the columns the file lacks from the target: defaults and identity apply at publish', async () => {
    const name = await table(
      "(seq int generated always as identity, id int8 primary key, name text, score float8, tag text not null default 'loaded')",
    );
    await load({ ...via(url), table: name, source: text(300), format: 'csv', shards: 2, commit: 'staged' });
    const rows = await admin<{ n: number; seqs: number; tags: number }[]>`
      select count(*)::int as n, count(distinct seq)::int as seqs, count(*) filter (where tag = 'loaded')::int as tags
      from ${admin(name)}`;
    expect(rows[0]).toEqual({ n: 300, seqs: 300, tags: 300 });
  });

  it('shows the target nothing until the publish, then everything', async () => {
    const name = await table();
    const loadId = uniqueName('seen');
    const rows = 60_000;
    const seen = new Set<number>();
    let stagedWhileEmpty = false;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const n = await scalar(admin, `select count(*)::int from ${name}`);
        seen.add(n);
        if (n === 0 && !stagedWhileEmpty) {
          const row = await loadRow(loadId);
          if (row?.state === 'staging') {
            stagedWhileEmpty =
              (await scalar(admin, `select count(*)::int from ${row.stage}`).catch(() => 0)) > 0;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();
    const report = await load({
      ...via(url),
      table: name,
      source: slowCsv(HEADER, rows, line, { piece: 2000, pauseMs: 5 }),
      format: 'csv',
      shards: 4,
      chunkBytes: 16 * 1024,
      batchRows: 5000,
      commit: 'staged',
      loadId,
    });
    polling = false;
    await poll;
    seen.add(await scalar(admin, `select count(*)::int from ${name}`));
    expect(report.rows).toBe(rows);
    // The poll caught rows in the stage while the target still showed none: the test saw the window.
    expect(stagedWhileEmpty).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual([0, rows]);
  });

  it('replace: readers see the old rows or the new, never neither', async () => {
    const name = await table();
    await admin.unsafe(`insert into ${name} select g, 'old', 0 from generate_series(1, 700) g`);
    const rows = 30_000;
    const seen = new Set<number>();
    let polling = true;
    const poll = (async () => {
      while (polling) {
        seen.add(await scalar(admin, `select count(*)::int from ${name}`));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const report = await load({
      ...via(url),
      table: name,
      source: slowCsv(HEADER, rows, line, { piece: 2000, pauseMs: 3 }),
      format: 'csv',
      shards: 3,
      batchRows: 4000,
      chunkBytes: 16 * 1024,
      replace: true,
    });
    polling = false;
    await poll;
    seen.add(await scalar(admin, `select count(*)::int from ${name}`));
    expect(report).toMatchObject({ commit: 'staged', rows, published: { inserted: rows, deleted: 700 } });
    expect([...seen].sort((a, b) => a - b)).toEqual([700, rows]);
    expect(await scalar(admin, `select count(*)::int from ${name} where name = 'old'`)).toBe(0);
  });

  it('replace while another session keeps updating the old rows: it publishes, and only the file remains', async () => {
    const name = await table();
    await admin.unsafe(`insert into ${name} select g, 'old', 0 from generate_series(1, 700) g`);
    const writer = postgres(url, { max: 1, onnotice: () => {} });
    const rows = 20_000;
    let writing = true;
    let updates = 0;
    let writerError: unknown = null;
    // Short transactions on the rows being replaced (only those: after the publish the same ids are
    // the file's), before and during the publish: its DELETE waits for each, and an UPDATE queued
    // behind it finds its row gone (READ COMMITTED).
    const write = (async () => {
      try {
        for (let k = 0; writing; k++) {
          const result = await writer.unsafe(
            `update ${name} set name = 'touched', score = score + 1 where id = $1 and name in ('old', 'touched')`,
            [(k % 700) + 1],
          );
          updates += result.count;
        }
      } catch (error) {
        writerError = error;
      }
    })();
    try {
      const report = await load({
        ...via(url),
        table: name,
        source: slowCsv(HEADER, rows, line, { piece: 2000, pauseMs: 3 }),
        format: 'csv',
        shards: 2,
        batchRows: 4000,
        chunkBytes: 16 * 1024,
        replace: true,
      });
      writing = false;
      await write;
      expect(writerError).toBeNull();
      expect(updates).toBeGreaterThan(0);
      expect(report).toMatchObject({ rows, published: { inserted: rows, deleted: 700 } });
      const left = await admin<{ n: number; old: number }[]>`
        select count(*)::int as n, count(*) filter (where name in ('old', 'touched'))::int as old from ${admin(name)}`;
      expect(left[0]).toEqual({ n: rows, old: 0 });
    } finally {
      writing = false;
      await write;
      await writer.end();
    }
  });

  it('a bad row fails the load with its line, keeps the staged batches, and a re-run resumes', async () => {
    const name = await table();
    const loadId = uniqueName('bad');
    const options = {
      ...via(url),
      table: name,
      format: 'csv' as const,
      shards: 2,
      chunkBytes: 4 * 1024,
      batchRows: 500,
      commit: 'staged' as const,
      loadId,
      copyFormat: 'binary' as const,
    };
    const error = await rejection(load({ ...options, source: text(4000, 3800) }));
    expect(error).toBeInstanceOf(LoadFailedError);
    const failed = error as LoadFailedError;
    expect(failed.rolledBack).toBe(true);
    expect(failed.cause).toBeInstanceOf(BadRowError);
    expect((failed.cause as BadRowError).line).toBe(3801);
    expect(failed.message).toMatch(
      /nothing was published; \d+ staged batch(es)? stay for a re-run with load id/,
    );
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
    const staged = await ledgerRows(loadId);
    expect(staged).toBeGreaterThan(0);
    expect((await loadRow(loadId))?.state).toBe('staging');

    // Another file under the same load id: one row near the start is longer, so every staged batch
    // sits elsewhere in it. Skipping them would lose rows; the resume refuses instead.
    const other = text(4000).replace('\n3,"name 3,', '\n3,"name three,');
    const refused = await rejection(load({ ...options, source: other }));
    expect((refused as Error).message).toMatch(/committed batch \d+ from source bytes \d+-\d+, but here/);
    expect((refused as Error).message).toMatch(/not the file it was started with/);
    expect(await ledgerRows(loadId)).toBe(staged);

    const report = await load({ ...options, source: text(4000) });
    expect(report.resumedBatches).toBe(staged);
    expect(report.rows).toBe(4000);
    const check = await admin<{ n: number; ids: number }[]>`
      select count(*)::int as n, count(distinct id)::int as ids from ${admin(name)}`;
    expect(check[0]).toEqual({ n: 4000, ids: 4000 });
  });

  it('a shard whose backend is terminated leaves the target untouched; the re-run loads each row once', async () => {
    const name = await table();
    const loadId = uniqueName('kill');
    const app = uniqueName('stagedkill');
    const rows = 80_000;
    let killed = false;
    let killing = false;
    const options = {
      table: name,
      format: 'csv' as const,
      shards: 2,
      chunkBytes: 16 * 1024,
      batchRows: 4000,
      commit: 'staged' as const,
      loadId,
    };
    const error = await rejection(
      load({
        ...via(url, app),
        ...options,
        source: slowCsv(HEADER, rows, line, { piece: 2000, pauseMs: 2 }),
        progressInterval: 20,
        onProgress: (event) => {
          // A shard between two batches runs no COPY: try again at the next event until one dies.
          if (!killed && !killing && event.rows > 20_000) {
            killing = true;
            void terminateCopyingBackend(admin, app).then((ok) => {
              killed ||= ok;
              killing = false;
            });
          }
        },
      }),
    );
    expect(killed).toBe(true);
    expect(error).toBeInstanceOf(LoadFailedError);
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
    const report = await load({ ...via(url), ...options, source: slowCsv(HEADER, rows, line) });
    expect(report.resumedBatches).toBeGreaterThan(0);
    const check = await admin<{ n: number; ids: number }[]>`
      select count(*)::int as n, count(distinct id)::int as ids from ${admin(name)}`;
    expect(check[0]).toEqual({ n: rows, ids: rows });
  });

  it('after a crash empties the unlogged stage and ledger together, a re-run stages everything again', async () => {
    const name = await table();
    const loadId = uniqueName('crash');
    const options = oneShardStaged(name, loadId);
    expect(await rejection(load({ ...options, source: text(1000, 950) }))).toBeInstanceOf(LoadFailedError);
    const row = await loadRow(loadId);
    expect(await ledgerRows(loadId)).toBeGreaterThan(0);
    // What crash recovery does to unlogged relations: both emptied, the logged loads row kept.
    await admin.unsafe(`truncate ${row!.stage}, haul.staged_batches`);
    const report = await load({ ...options, source: text(1000) });
    expect(report).toMatchObject({ resumedBatches: 0, rows: 1000 });
    expect(await scalar(admin, `select count(distinct id)::int from ${name}`)).toBe(1000);
  });

  it('refuses to publish a stage that holds other rows than its ledger says', async () => {
    const name = await table();
    const loadId = uniqueName('tamper');
    const options = oneShardStaged(name, loadId);
    expect(await rejection(load({ ...options, source: text(500, 450) }))).toBeInstanceOf(LoadFailedError);
    const row = await loadRow(loadId);
    await admin.unsafe(`delete from ${row!.stage} where id = 7`);
    const error = await rejection(load({ ...options, source: text(500) }));
    expect(error).toBeInstanceOf(LoadFailedError);
    expect((error as Error).message).toMatch(/the stage holds 499 rows but its ledger says 500/);
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
    expect((await loadRow(loadId))?.state).toBe('staging');
    await dropStagedLoad(via(url), loadId);
  });

  it('lists a stopped staged load, refuses to drop one a run holds, drops it, and ages abandoned ones out', async () => {
    const name = await table();
    const loadId = uniqueName('list');
    const options = oneShardStaged(name, loadId);
    expect(await rejection(load({ ...options, loadId, source: text(1000, 990) }))).toBeInstanceOf(
      LoadFailedError,
    );
    const listed = (await listStagedLoads(via(url))).find((entry) => entry.loadId === loadId);
    expect(listed).toMatchObject({ table: `"public"."${name}"`, publish: 'error', running: false });
    expect(listed!.batches).toBe(await ledgerRows(loadId));
    expect(listed!.rows).toBe(listed!.batches * 100);
    const { stage } = (await loadRow(loadId))!;

    // A run holds the load's lock: it is listed as running and is not dropped.
    const [holder] = await admin.reserve().then((conn) => [conn]);
    try {
      await holder!`select pg_advisory_lock(${0x68730001}, hashtext(${loadId}))`;
      expect((await listStagedLoads(via(url))).find((entry) => entry.loadId === loadId)?.running).toBe(true);
      await expect(dropStagedLoad(via(url), loadId)).rejects.toThrow(/is running/);
    } finally {
      await holder!`select pg_advisory_unlock(${0x68730001}, hashtext(${loadId}))`;
      holder!.release();
    }
    await waitUntil(async () => !(await listStagedLoads(via(url))).find((e) => e.loadId === loadId)?.running);
    expect(await dropStagedLoad(via(url), loadId)).toMatchObject({ loadId });
    expect(await loadRow(loadId)).toBeUndefined();
    expect(await stageExists(stage)).toBe(false);
    expect(await ledgerRows(loadId)).toBe(0);

    // Abandoned: a stopped staged load older than abandonedStageMs goes when another staged load starts.
    const old = uniqueName('old');
    expect(await rejection(load({ ...options, loadId: old, source: text(1000, 990) }))).toBeInstanceOf(
      LoadFailedError,
    );
    await admin.unsafe(`update haul.loads set created_at = now() - interval '2 hours' where load_id = $1`, [
      old,
    ]);
    const oldStage = (await loadRow(old))!.stage;
    await load({
      ...options,
      table: await table(),
      loadId: uniqueName('fresh'),
      source: text(10),
      abandonedStageMs: 3_600_000,
    });
    expect(await loadRow(old)).toBeUndefined();
    expect(await stageExists(oldStage)).toBe(false);
  });

  it('a load that staged nothing leaves no stage and no loads row', async () => {
    const name = await table();
    const loadId = uniqueName('none');
    // Only this file stages, one test at a time: the count of stage tables is this test's to read.
    const stages = () =>
      scalar(
        admin,
        `select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'haul' and c.relname like 'stage\\_%'`,
      );
    const before = await stages();
    const error = await rejection(
      load({
        ...via(url),
        table: name,
        source: text(50, 3),
        format: 'csv',
        shards: 1,
        commit: 'staged',
        loadId,
      }),
    );
    expect(error).toBeInstanceOf(LoadFailedError);
    expect((error as Error).message).toMatch(/\(nothing was published\)/);
    expect(await loadRow(loadId)).toBeUndefined();
    expect(await stages()).toBe(before);
  });

  it("the table's NOT NULL and CHECK rules hold in the stage: a refused row is named by its line", async () => {
    const name = await table('(id int8 primary key, name text not null, score float8 check (score < 1000))');
    const loadId = uniqueName('rules');
    const rows = Array.from({ length: 4000 }, (_, i) => `${i + 1},n${i + 1},${(i + 1) / 8}`);
    rows[3499] = '3500,n3500,5000';
    rows[3699] = '3700,,1';
    const source = `${HEADER}\n${rows.join('\n')}\n`;
    const options = { ...oneShardStaged(name, loadId), source };
    // Abort mode: the CHECK alone (the encoder finds a NULL for a NOT NULL column itself, maybe first).
    const failed = await rejection(
      load({ ...options, source: source.replace('\n3700,,1\n', '\n3700,n,1\n') }),
    );
    expect(failed).toBeInstanceOf(LoadFailedError);
    const cause = (failed as LoadFailedError).cause as BadRowError;
    expect(cause).toBeInstanceOf(BadRowError);
    expect(cause.line).toBe(3501);
    expect(cause.sqlstate).toBe(SqlState.CheckViolation);
    expect((failed as Error).message).toMatch(/violates check constraint "\w+_score_check"/);
    // Reject mode: both rows set aside with their lines, the rest published.
    const rejected: { line: number; sqlstate?: string }[] = [];
    const report = await load({
      ...options,
      loadId: uniqueName('rules_reject'),
      onError: 'reject',
      onReject: (row) => {
        rejected.push({ line: row.line, ...(row.sqlstate ? { sqlstate: row.sqlstate } : {}) });
      },
    });
    expect(report).toMatchObject({ rows: 3998, rejected: 2 });
    expect(rejected).toEqual([
      { line: 3501, sqlstate: SqlState.CheckViolation },
      { line: 3701, sqlstate: SqlState.NotNullViolation },
    ]);
    await dropStagedLoad(via(url), loadId);
  });

  it('with a BEFORE row trigger on the target the stage holds no rules (the trigger may mend the row)', async () => {
    const name = await table('(id int8 primary key, name text, score float8 check (score >= 0))');
    await admin.unsafe(`create function ${name}_mend() returns trigger language plpgsql as $$
      begin new.score := abs(new.score); return new; end $$`);
    await admin.unsafe(
      `create trigger m before insert on ${name} for each row execute function ${name}_mend()`,
    );
    const source = `${HEADER}\n1,a,-5\n2,b,2\n`;
    const report = await load({ ...oneShardStaged(name, uniqueName('mend')), source });
    expect(report.rows).toBe(2);
    expect(await scalar(admin, `select count(*)::int from ${name} where score = 5`)).toBe(1);
  });

  it('createTable: the new table is the stage, moved into place at the publish; a failure leaves none', async () => {
    const name = uniqueName('created');
    const loadId = uniqueName('create');
    const options = { ...oneShardStaged(name, loadId), createTable: true };
    const exists = () => stageExists(`public.${name}`);
    // The bad row far past the rows the new table's types are inferred from.
    const failed = await rejection(load({ ...options, source: text(20_000, 19_950) }));
    expect(failed).toBeInstanceOf(LoadFailedError);
    expect((failed as Error).message).toMatch(/nothing was published; \d+ staged batches stay/);
    const staged = await ledgerRows(loadId);
    expect(staged).toBeGreaterThan(150);
    // No table under the name while the load is not published, not even an empty one.
    expect(await exists()).toBe(false);
    const row = await loadRow(loadId);
    expect(row?.state).toBe('staging');
    expect(await stageExists(row!.stage)).toBe(true);

    // The file cut short: the batches staged beyond its end are not in it.
    const short = await rejection(load({ ...options, source: text(1000) }));
    expect((short as Error).message).toMatch(
      /the source ended after row 1000, but batch \d+ was staged from rows after it/,
    );
    expect(await exists()).toBe(false);

    const report = await load({ ...options, source: text(20_000) });
    expect(report).toMatchObject({
      commit: 'staged',
      rows: 20_000,
      resumedBatches: staged,
      table: `"public"."${name}"`,
    });
    expect(report.createdTable).toMatch(new RegExp(`create table "?${name}"?`));
    expect(report.published).toMatchObject({ inserted: 20_000 });
    expect(await exists()).toBe(true);
    expect(await stageExists(row!.stage)).toBe(false);
    const check = await admin<{ n: number; ids: number; logged: string }[]>`
      select count(*)::int as n, count(distinct id)::int as ids,
        (select relpersistence::text from pg_class where oid = ${`public.${name}`}::regclass) as logged
      from ${admin(name)}`;
    // A permanent (logged) table, as a direct createTable load makes.
    expect(check[0]).toEqual({ n: 20_000, ids: 20_000, logged: 'p' });
    // Run again: published already, nothing loaded again.
    const again = await load({ ...options, source: text(20_000) });
    expect(again.publishedBefore?.rows).toBe(20_000);
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(20_000);
    await admin.unsafe(`drop table ${name}`);
  });

  it('createTable: a table of the name made by someone else meanwhile stops the publish; nothing lost', async () => {
    const name = uniqueName('raced');
    const loadId = uniqueName('race');
    const options = { ...oneShardStaged(name, loadId), createTable: true };
    await rejection(load({ ...options, source: text(20_000, 19_950) }));
    const staged = await ledgerRows(loadId);
    expect(staged).toBeGreaterThan(150);
    await admin.unsafe(`create table ${name} (id int8 primary key, name text, score float8)`);
    await admin.unsafe(`insert into ${name} values (1, 'theirs', 0)`);
    // The table exists now: the re-run would append to it, which is not what was staged.
    const refused = await rejection(load({ ...options, source: text(20_000) }));
    expect((refused as Error).message).toMatch(/was staged into .* to publish as create/);
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(1);
    expect(await ledgerRows(loadId)).toBe(staged);
    await dropStagedLoad(via(url), loadId);
    await admin.unsafe(`drop table ${name}`);
  });

  it('refuses what it cannot resume or stage, before any data moves', async () => {
    const name = await table();
    const loadId = uniqueName('again');
    const base = { ...via(url), table: name, format: 'csv' as const, commit: 'staged' as const, loadId };
    await load({ ...base, source: text(10) });
    // Published already: a second run loads nothing again, and says what the first published.
    const again = await load({ ...base, source: text(10) });
    expect(again).toMatchObject({ committed: true, commit: 'staged', rows: 10, bytes: 0, shards: [] });
    expect(again.publishedBefore?.rows).toBe(10);
    expect(again.publishedBefore?.publishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(10);
    // ... with the same settings only: the same load id into another shape is refused.
    await expect(load({ ...base, columns: ['id', 'name'], source: 'id,name\n1,a\n' })).rejects.toThrow(
      /was staged into/,
    );
    await expect(
      load({ ...base, loadId: uniqueName('m'), mode: 'batches', source: text(10) }),
    ).rejects.toThrow(/mode 'batches'/);

    // Staged with other columns: resuming it with these would mix two shapes in one stage.
    const other = uniqueName('shape');
    const failed = await rejection(
      load({ ...base, loadId: other, batchRows: 5, shards: 1, copyFormat: 'binary', source: text(40, 30) }),
    );
    expect(failed).toBeInstanceOf(LoadFailedError);
    await expect(
      load({ ...base, loadId: other, batchRows: 5, columns: ['id', 'name'], source: 'id,name\n1,a\n' }),
    ).rejects.toThrow(/was staged into/);
    await dropStagedLoad(via(url), other);
  });
});
