/**
 * `createTable` against a real server: the table exists only if a load commits into it (a failed
 * load drops it again, but never a table another session wrote to or still uses), names that need
 * renaming (blank, repeated, longer than 63 bytes) map onto the table they created, concurrent
 * creators of one new table all succeed, and a missing schema is the caller's error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { connect } from '../../../protocol/src/adapters/node.ts';
import { LoadConfigError, LoadFailedError } from '../../src/errors.ts';
import { listProvisional, settleProvisional } from '../../src/load/create-table.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, scalar, uniqueName, via } from '../support/database.ts';

/** `rows` lines of `id,v`, ids from `from`; a bad id (`'x'`) at `badAt` when given. */
function idRows(rows: number, from = 0, badAt?: number): string {
  let text = 'id,v\n';
  for (let i = 0; i < rows; i++) text += `${i === badAt ? 'x' : from + i},v${from + i}\n`;
  return text;
}

/** Sends `head`, waits for `gate`, then sends `tail`: a load held open while the test acts. */
async function* gated(head: string, gate: Promise<void>, tail: string): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode(head);
  await gate;
  yield encoder.encode(tail);
}

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  const exists = async (name: string) =>
    (await admin.unsafe<{ t: string | null }[]>('select to_regclass($1)::text as t', [name]))[0]!.t !== null;

  async function failure(promise: Promise<unknown>): Promise<LoadFailedError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoadFailedError);
    return error as LoadFailedError;
  }

  /** Waits until `check` is true (the load got that far), polling. */
  async function until(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
  }

  it('a sharded load that fails leaves no table, and says nothing was committed', async () => {
    const name = uniqueName('ct_fail');
    // 1000 sampled rows say integer; row 3000 is not.
    const source = idRows(4000, 0, 3000);
    const options = { ...via(url), table: name, source, format: 'csv' as const, createTable: true };
    const error = await failure(load({ ...options, shards: 3, chunkBytes: 4096 }));
    expect(error.rolledBack).toBe(true);
    expect(error.message).toContain('nothing was committed');
    expect(error.message).toContain('was dropped again');
    expect(error.createdTable).toMatchObject({ dropped: true });
    expect(await exists(name)).toBe(false);
    // The same load in binary mode (the bad value is caught before sending) cleans up too.
    const binary = await failure(load({ ...options, copyFormat: 'binary' }));
    expect(binary.createdTable?.dropped).toBe(true);
    expect(await exists(name)).toBe(false);
  });

  it('blank, repeated and long (multibyte) header names create columns the load then fills', async () => {
    const name = uniqueName('ct_names');
    const long = `${'é'.repeat(40)}`;
    const header = ['id', '', 'b', 'b', long, `${long}2`, 'col2'];
    const text = `${header.join(',')}\n1,x,b1,b2,l1,l2,c2\n2,y,b3,b4,l3,l4,c4\n`;
    const first = await load({ ...via(url), table: name, source: text, format: 'csv', createTable: true });
    expect(first.rows).toBe(2);
    expect(first.createdTable).toBeDefined();
    const columns = await admin.unsafe<{ attname: string }[]>(
      `select attname from pg_attribute where attrelid = $1::regclass and attnum > 0 order by attnum`,
      [name],
    );
    const cut = 'é'.repeat(31);
    expect(columns.map((c) => c.attname)).toEqual([
      'id',
      'col2_2',
      'b',
      'b_2',
      cut,
      `${'é'.repeat(30)}_2`,
      'col2',
    ]);
    const rows = await admin.unsafe(`select * from ${name} order by id`);
    expect(rows[0]).toEqual({
      id: 1,
      col2_2: 'x',
      b: 'b1',
      b_2: 'b2',
      [cut]: 'l1',
      [`${'é'.repeat(30)}_2`]: 'l2',
      col2: 'c2',
    });
    // The same file again maps onto the table it created, with or without createTable.
    const again = await load({ ...via(url), table: name, source: text, format: 'csv' });
    expect(again.createdTable).toBeUndefined();
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(4);
    // NDJSON keys follow the same rules.
    const json = `${JSON.stringify({ id: 3, '': 'z', [long]: 'l5' })}\n`;
    const keyed = uniqueName('ct_keys');
    await load({ ...via(url), table: keyed, source: json, format: 'ndjson', createTable: true });
    const [row] = await admin.unsafe(`select * from ${keyed}`);
    expect(row).toEqual({ id: 3, col2: 'z', [cut]: 'l5' });
  });

  it('a retry after a failed createTable load creates the table and succeeds', async () => {
    const name = uniqueName('ct_retry');
    const header = 'id,,dup,dup';
    const bad = `${header}\n${Array.from({ length: 1200 }, (_, i) => `${i === 1100 ? 'x' : i},a,b,c`).join('\n')}\n`;
    const options = { ...via(url), table: name, format: 'csv' as const, createTable: true };
    await failure(load({ ...options, source: bad }));
    expect(await exists(name)).toBe(false);
    const good = bad.replace('\nx,', '\n1100,');
    const report = await load({ ...options, source: good });
    expect(report.rows).toBe(1200);
    expect(await scalar(admin, `select count(distinct id)::int from ${name}`)).toBe(1200);
  });

  it.each([3, 8])(
    '%i concurrent createTable loads of one new table all succeed with all their rows',
    async (n) => {
      const name = uniqueName('ct_race');
      const reports = await Promise.all(
        Array.from({ length: n }, (_, k) =>
          load({
            ...via(url),
            table: name,
            source: idRows(3000, k * 10_000),
            format: 'csv',
            createTable: true,
            shards: 2,
            chunkBytes: 8192,
          }),
        ),
      );
      expect(reports.every((r) => r.rows === 3000)).toBe(true);
      expect(reports.filter((r) => r.createdTable !== undefined)).toHaveLength(1);
      expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(3000 * n);
      expect(await scalar(admin, `select count(distinct id)::int from ${name}`)).toBe(3000 * n);
      const [comment] = await admin.unsafe(`select obj_description($1::regclass, 'pg_class') as c`, [name]);
      expect(comment!.c).toBeNull();
    },
  );

  it('concurrent creators where some fail: the table keeps exactly the rows of the ones that committed', async () => {
    const name = uniqueName('ct_race_fail');
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, k) =>
        load({
          ...via(url),
          table: name,
          source: idRows(3000, k * 10_000, k % 2 === 0 ? 2500 : undefined),
          format: 'csv',
          createTable: true,
          shards: 2,
          chunkBytes: 8192,
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(2);
    expect(await exists(name)).toBe(true);
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(6000);
    expect(await scalar(admin, `select count(*)::int from ${name} where id / 10000 in (1, 3)`)).toBe(6000);
    for (const result of results) {
      if (result.status === 'rejected') expect((result.reason as LoadFailedError).rolledBack).toBe(true);
    }
  });

  it('all concurrent creators failing leave no table', async () => {
    const name = uniqueName('ct_race_all_fail');
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, k) =>
        load({
          ...via(url),
          table: name,
          source: idRows(3000, k * 10_000, 1500 + k * 300),
          format: 'csv',
          createTable: true,
          shards: 2,
          chunkBytes: 8192,
        }),
      ),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(await exists(name)).toBe(false);
  });

  it('a failed load keeps a table that got rows from another session, and clears its marker', async () => {
    const name = uniqueName('ct_foreign_rows');
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const loading = load({
      ...via(url),
      table: name,
      source: gated(idRows(500), gate, 'x,bad\n'),
      format: 'csv',
      createTable: true,
      chunkBytes: 1024,
    });
    await until(() => exists(name));
    await admin.unsafe(`insert into ${name} (id, v) values (-1, 'theirs')`);
    open();
    const error = await failure(loading);
    expect(error.createdTable).toMatchObject({ dropped: false, keptBecause: 'it has committed rows' });
    expect(error.message).toContain('was kept: it has committed rows');
    expect(await admin.unsafe(`select id, v from ${name}`)).toEqual([{ id: -1, v: 'theirs' }]);
    const [comment] = await admin.unsafe(`select obj_description($1::regclass, 'pg_class') as c`, [name]);
    expect(comment!.c).toBeNull();
  });

  it('a failed load keeps a table another session holds, and recover drops it once it is free and empty', async () => {
    const name = uniqueName('ct_held');
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const loading = load({
      ...via(url),
      table: name,
      source: gated(idRows(500), gate, 'x,bad\n'),
      format: 'csv',
      createTable: true,
      chunkBytes: 1024,
    });
    await until(() => exists(name));
    const other = await connect(url);
    try {
      await other.exec(`begin; insert into ${name} (id, v) values (-1, 'uncommitted')`);
      open();
      const error = await failure(loading);
      expect(error.createdTable).toMatchObject({ dropped: false });
      expect(error.createdTable?.keptBecause).toMatch(/holds it/);
      await other.exec('rollback');
      const listed = await listProvisional(other);
      const entry = listed.find((t) => t.table.includes(name));
      expect(entry).toMatchObject({ createdBy: error.loadId });
      expect(await settleProvisional(other, entry!.table)).toMatchObject({ dropped: true });
      expect(await exists(name)).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('batches mode: a failed first batch drops the table; a later failure keeps the committed batches, and a re-run resumes', async () => {
    const first = uniqueName('ct_batches_first');
    const options = { ...via(url), format: 'csv' as const, createTable: true, mode: 'batches' as const };
    const early = await failure(
      load({ ...options, table: first, source: idRows(3000, 0, 1500), batchRows: 2000, shards: 1 }),
    );
    expect(early.createdTable?.dropped).toBe(true);
    expect(await exists(first)).toBe(false);

    const later = uniqueName('ct_batches_later');
    const loadId = `${later}-id`;
    const bad = idRows(3000, 0, 2500);
    const error = await failure(
      load({ ...options, table: later, source: bad, batchRows: 1000, loadId, shards: 1 }),
    );
    expect(error.createdTable).toMatchObject({ dropped: false, keptBecause: 'it has committed rows' });
    expect(await scalar(admin, `select count(*)::int from ${later}`)).toBe(2000);
    const resumed = await load({
      ...options,
      table: later,
      source: bad.replace('\nx,', '\n2500,'),
      batchRows: 1000,
      loadId,
      shards: 1,
    });
    expect(resumed.resumedBatches).toBe(2);
    expect(await scalar(admin, `select count(distinct id)::int from ${later}`)).toBe(3000);
  });

  it('concurrent batches-mode creators in a fresh schema all succeed (the ledger table is created once)', async () => {
    const schema = uniqueName('ct_ledger');
    await admin.unsafe(`create schema ${schema}`);
    try {
      const reports = await Promise.all(
        Array.from({ length: 4 }, (_, k) =>
          load({
            ...via(url),
            table: `${schema}.t`,
            source: idRows(2000, k * 10_000),
            format: 'csv',
            createTable: true,
            mode: 'batches',
            batchRows: 500,
          }),
        ),
      );
      expect(reports.map((r) => r.rows)).toEqual([2000, 2000, 2000, 2000]);
      expect(await scalar(admin, `select count(*)::int from ${schema}.t`)).toBe(8000);
    } finally {
      await admin.unsafe(`drop schema ${schema} cascade`);
    }
  });

  it('a schema that does not exist is a LoadConfigError naming it', async () => {
    const schema = uniqueName('nosuch');
    const error = await load({
      ...via(url),
      table: `${schema}.t`,
      source: 'a\n1\n',
      format: 'csv',
      createTable: true,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoadConfigError);
    expect((error as Error).message).toContain(`schema "${schema}" does not exist`);
  });
});
