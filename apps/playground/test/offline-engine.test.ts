/**
 * The playground's offline engine against real PGlite in Node (no mocks): loads through the loader's
 * own load() over a protocol Connection onto PGlite, bad rows in both error modes, abort, the SQL
 * console's sync modes, the table pickers and export.
 */
import { Oid } from '@haul/protocol/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, LoadRequest, StatementResult } from '../src/engine/contract.ts';
import { createOfflineEngine } from '../src/engine/offline/index.ts';
import { collect } from './offline/events.ts';
import { blobOf, csvLines, sampleRows, toCsv, toNdjson } from './offline/sample-data.ts';

let engine: Engine;

beforeAll(async () => {
  engine = await createOfflineEngine();
});

afterAll(async () => {
  await engine?.close();
});

const CSV: LoadRequest = { format: 'csv', shards: 1, mode: 'atomic', onError: 'abort' };

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const [result] = await engine.sql([{ sql }], 'independent');
  if (!result?.ok) throw new Error(`query failed: ${JSON.stringify(result)}`);
  return result.rows;
}

async function count(table: string): Promise<number> {
  const rows = await query(`select count(*)::int4 as n from ${table}`);
  return rows[0]!['n'] as number;
}

function failed(result: StatementResult | undefined): Extract<StatementResult, { ok: false }>['error'] {
  if (!result || result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result.error;
}

describe('offline engine (PGlite)', () => {
  it('describes itself', () => {
    expect(engine.kind).toBe('offline');
    expect(engine.maxShards).toBe(1);
    expect(engine.label).toMatch(/^PGlite \d+\.\d+\.\d+ in this tab · PostgreSQL \d+/);
  });

  it('loads a 10k-row CSV into a created table, every value as in the file', async () => {
    const rows = sampleRows(10_000);
    const events = collect();
    const outcome = await engine.load(
      'csv_load',
      blobOf(toCsv(rows)),
      { ...CSV, createTable: true },
      events.onEvent,
      new AbortController().signal,
    );
    if (outcome.type !== 'report') throw new Error(JSON.stringify(outcome));
    expect(outcome).toMatchObject({
      rows: 10_000,
      committed: true,
      // As into a server: one shard converts here (binary; load/auto-format.ts), and commits alone.
      copyFormat: 'binary',
      commit: 'single',
      rejected: 0,
    });
    expect(outcome.createdTable).toMatch(/create table "csv_load"/);
    expect(outcome.shards).toEqual([expect.objectContaining({ shard: 0, rows: 10_000, state: 'committed' })]);
    const progress = events.of('progress');
    expect(progress.at(-1)).toMatchObject({
      rows: 10_000,
      shards: [expect.objectContaining({ state: 'committed' })],
    });

    const detail = await engine.table('csv_load');
    expect(detail?.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'],
      ['name', 'text'],
      ['amount', 'numeric'],
      ['at', 'timestamp with time zone'],
      ['flag', 'boolean'],
      ['note', 'text'],
    ]);
    const loaded = await query(
      'select id, name, amount::text as amount, (extract(epoch from at) * 1000)::int8 as ms, flag, note from csv_load order by id',
    );
    expect(loaded).toEqual(
      rows.map((r) => ({
        id: r.id,
        name: r.name,
        amount: r.amount,
        ms: String(Date.parse(r.at)),
        flag: r.flag,
        note: r.note,
      })),
    );
  });

  it('loads NDJSON into an existing table by key, int8 beyond 2^53 and jsonb included', async () => {
    await query('create table nd (id int8 primary key, label text, doc jsonb, score float8)');
    const rows = Array.from({ length: 2_000 }, (_, i) => ({
      id: i === 0 ? '9007199254740993' : i + 1,
      label: i % 10 === 0 ? null : `label ${i}`,
      doc: { i, tags: ['a', 'b'] },
      score: i / 4,
    }));
    const outcome = await engine.load(
      'nd',
      blobOf(toNdjson(rows)),
      { ...CSV, format: 'ndjson' },
      () => {},
      new AbortController().signal,
    );
    expect(outcome).toMatchObject({ type: 'report', rows: 2_000, copyFormat: 'binary' });
    const loaded = await query('select id, label, doc, score from nd order by id');
    expect(loaded[loaded.length - 1]).toEqual({
      id: '9007199254740993',
      label: null,
      doc: '{"i": 0, "tags": ["a", "b"]}',
      score: 0,
    });
    expect(loaded[0]).toEqual({
      id: '2',
      label: 'label 1',
      doc: '{"i": 1, "tags": ["a", "b"]}',
      score: 0.25,
    });
  });

  it('a value that does not convert: an error event naming line, column and value, nothing committed', async () => {
    const rows = sampleRows(6_000);
    rows[4_999]!.amount = '12x4';
    const events = collect();
    const outcome = await engine.load(
      'bad_conv',
      blobOf(toCsv(rows)),
      { ...CSV, createTable: true },
      events.onEvent,
      new AbortController().signal,
    );
    if (outcome.type !== 'error') throw new Error(JSON.stringify(outcome));
    expect(outcome.status).toBe(400);
    expect(outcome.error).toMatchObject({
      line: csvLines(rows)[4_999],
      column: 'amount',
      value: '12x4',
      rolledBack: true,
    });
    expect(outcome.error.message).toMatch(/nothing was committed/);
    // The CREATE TABLE ran in the load's transaction, so it is gone too.
    expect(await engine.table('bad_conv')).toBeNull();
  });

  it('createTable with blank, repeated and long (multibyte) header names: the created table takes the file, twice', async () => {
    const long = 'é'.repeat(40);
    const text = `id,,dup,dup,${long}\n1,a,b,c,d\n2,e,f,g,h\n`;
    for (const createTable of [true, false]) {
      const outcome = await engine.load(
        'odd_names',
        blobOf(text),
        { ...CSV, createTable },
        () => {},
        new AbortController().signal,
      );
      if (outcome.type !== 'report') throw new Error(JSON.stringify(outcome));
      expect(outcome.rows).toBe(2);
    }
    const detail = await engine.table('odd_names');
    expect(detail?.columns.map((c) => c.name)).toEqual(['id', 'col2', 'dup', 'dup_2', 'é'.repeat(31)]);
    expect(await query(`select count(dup_2)::int4 as n from odd_names`)).toEqual([{ n: 4 }]);
  });

  it('a row the server refuses: SQLSTATE and the source line, nothing committed', async () => {
    await query(
      'create table dup (id int primary key, name text, amount numeric, at timestamptz, flag bool, note text)',
    );
    const rows = sampleRows(8_000);
    rows[6_499]!.id = 17; // a duplicate key, far into the file (a later chunk)
    const outcome = await engine.load(
      'dup',
      blobOf(toCsv(rows)),
      CSV,
      () => {},
      new AbortController().signal,
    );
    if (outcome.type !== 'error') throw new Error(JSON.stringify(outcome));
    expect(outcome.error).toMatchObject({ sqlstate: '23505', line: csvLines(rows)[6_499], rolledBack: true });
    expect(await count('dup')).toBe(0);
  });

  it("onError 'reject': bad rows become reject events and the rest loads", async () => {
    await query('create table rej (id int primary key, code varchar(4), n int)');
    const lines = ['id,code,n'];
    for (let i = 1; i <= 3_000; i++) {
      if (i === 100)
        lines.push('100,ab,notanumber'); // refused by the converter
      else if (i === 1_500)
        lines.push('1500,toolong,1'); // refused by the server: varchar(4)
      else if (i === 2_500)
        lines.push('7,dup,1'); // refused by the server: duplicate key
      else lines.push(`${i},c${i % 100},${i}`);
    }
    const events = collect();
    const outcome = await engine.load(
      'rej',
      blobOf(`${lines.join('\n')}\n`),
      { ...CSV, onError: 'reject' },
      events.onEvent,
      new AbortController().signal,
    );
    expect(outcome).toMatchObject({ type: 'report', rows: 2_997, rejected: 3 });
    const rejects = events.of('reject').sort((a, b) => a.line - b.line);
    expect(rejects).toEqual([
      expect.objectContaining({ line: 101, column: 'n', text: '100,ab,notanumber' }),
      expect.objectContaining({ line: 1_501, sqlstate: '22001', text: '1500,toolong,1' }),
      expect.objectContaining({ line: 2_501, sqlstate: '23505', text: '7,dup,1' }),
    ]);
    expect(await count('rej')).toBe(2_997);
  });

  it('an abort mid-load rejects with AbortError and rolls everything back', async () => {
    const controller = new AbortController();
    const events = collect();
    // onError 'reject' sends each chunk in a COPY of its own (as into a server), so the load is
    // seen between chunks; in 'abort' mode PGlite runs the file's one COPY in one call.
    const loading = engine.load(
      'aborted',
      blobOf(toCsv(sampleRows(120_000))),
      { ...CSV, createTable: true, onError: 'reject' },
      (event) => {
        events.onEvent(event);
        if (event.type === 'progress' && event.rows > 0) controller.abort();
      },
      controller.signal,
    );
    await expect(loading).rejects.toMatchObject({ name: 'AbortError' });
    expect(events.of('progress').length).toBeGreaterThan(0);
    expect(await engine.table('aborted')).toBeNull();
    // PGlite is usable afterwards.
    expect(await query('select 1 as one')).toEqual([{ one: 1 }]);
  });

  it("mode 'batches' commits each batch: a failure keeps the earlier ones", async () => {
    await query('create table batched (id int, v int)');
    const lines = ['id,v'];
    for (let i = 1; i <= 5_000; i++) lines.push(i === 3_500 ? `${i},oops` : `${i},${i}`);
    const outcome = await engine.load(
      'batched',
      blobOf(`${lines.join('\n')}\n`),
      { ...CSV, mode: 'batches', batchRows: 1_000 },
      () => {},
      new AbortController().signal,
    );
    if (outcome.type !== 'error') throw new Error(JSON.stringify(outcome));
    // The loader's (and so the worker's) error; offline-like-server.test.ts holds it to the server's.
    expect(outcome.error).toMatchObject({ line: 3_501, column: 'v' });
    expect(await count('batched')).toBe(3_000);
  });

  it('a missing table is a setup error (EngineError 400)', async () => {
    const loading = engine.load(
      'no_such_table',
      blobOf('a\n1\n'),
      CSV,
      () => {},
      new AbortController().signal,
    );
    await expect(loading).rejects.toMatchObject({ name: 'EngineError', status: 400 });
  });
});

describe('offline SQL console', () => {
  it("'independent': each statement on its own, errors with SQLSTATE and position", async () => {
    const results = await engine.sql(
      [
        { sql: "select 1::int8 as a, '\\x0102'::bytea as b, date '2024-01-02' as d, 1.50::numeric as n" },
        { sql: 'select * from nope' },
        { sql: 'select $1::int4 + 1 as n', params: [41] },
      ],
      'independent',
    );
    expect(results[0]).toMatchObject({
      ok: true,
      command: 'SELECT',
      rowCount: 1,
      rows: [{ a: '1', b: new Uint8Array([1, 2]), d: '2024-01-02', n: '1.50' }],
      fields: [
        { name: 'a', typeOid: Oid.int8 },
        { name: 'b', typeOid: Oid.bytea },
        { name: 'd', typeOid: Oid.date },
        { name: 'n', typeOid: Oid.numeric },
      ],
    });
    expect(failed(results[1])).toMatchObject({ sqlstate: '42P01', position: 15 });
    expect(failed(results[1]).message).toBe('ERROR: relation "nope" does not exist (SQLSTATE 42P01)');
    expect(results[2]).toMatchObject({ ok: true, rows: [{ n: 42 }] });
  });

  it('shows what the server said: NaN and infinities, json numbers, dates, int8 arrays', async () => {
    const [result] = await engine.sql(
      [
        {
          sql:
            "select 'NaN'::float8 as nan, '-infinity'::float4 as inf, null::float8 as nothing, " +
            '\'{"a": 9007199254740993, "b": 1e999}\'::jsonb as doc, ' +
            "'2024-01-15 10:20:30.123456'::timestamp as ts, '294276-12-31'::date as far, " +
            "'{9007199254740993,1}'::int8[] as ids, array['{\"x\": 1.10}']::jsonb[] as docs",
        },
      ],
      'independent',
    );
    expect(result).toMatchObject({ ok: true });
    const row = (result as Extract<StatementResult, { ok: true }>).rows[0]!;
    expect(row).toEqual({
      nan: Number.NaN,
      inf: Number.NEGATIVE_INFINITY,
      nothing: null,
      doc: `{"a": 9007199254740993, "b": 1${'0'.repeat(999)}}`,
      ts: '2024-01-15 10:20:30.123456',
      far: '294276-12-31',
      ids: ['9007199254740993', '1'],
      docs: ['{"x": 1.10}'],
    });
  });

  it("'atomic': the failure rolls back earlier statements and skips later ones", async () => {
    await query('create table atom (id int primary key)');
    const results = await engine.sql(
      [
        { sql: 'insert into atom values (1)' },
        { sql: 'insert into atom values (2)' },
        { sql: 'insert into atom values (1)' },
        { sql: 'select count(*) from atom' },
      ],
      'atomic',
    );
    expect(failed(results[0])).toMatchObject({ outcome: 'rolled-back', sqlstate: '23505' });
    expect(failed(results[1]).outcome).toBe('rolled-back');
    expect(failed(results[2])).toMatchObject({ sqlstate: '23505', constraint: 'atom_pkey' });
    expect(failed(results[2]).outcome).toBeUndefined();
    expect(failed(results[3])).toMatchObject({ outcome: 'skipped' });
    expect(await count('atom')).toBe(0);

    const ok = await engine.sql(
      [{ sql: 'insert into atom values (1), (2)' }, { sql: 'select count(*) as n from atom' }],
      'atomic',
    );
    expect(ok.map((r) => r.ok)).toEqual([true, true]);
    expect(ok[0]).toMatchObject({ command: 'INSERT', rowCount: 2 });
    expect(ok[1]).toMatchObject({ rows: [{ n: '2' }] });
  });

  it('a syntax error carries its position', async () => {
    // "frm" reads as a column alias, so the parser stops at "x", the 14th character.
    const [result] = await engine.sql([{ sql: 'select 1 frm x' }], 'atomic');
    expect(failed(result)).toMatchObject({ sqlstate: '42601', position: 14 });
  });
});

describe('offline tables and export', () => {
  it('lists tables and describes one', async () => {
    await query('create table pick (id int generated always as identity, label text not null default $$x$$)');
    const tables = await engine.tables();
    expect(tables).toContainEqual({ schema: 'public', name: 'pick', kind: 'table', estimatedRows: null });
    expect(await engine.table('pick')).toEqual({
      schema: 'public',
      name: 'pick',
      columns: [
        {
          name: 'id',
          type: 'integer',
          notNull: true,
          hasDefault: false,
          identity: 'always',
          generated: false,
        },
        { name: 'label', type: 'text', notNull: true, hasDefault: true, identity: null, generated: false },
      ],
      uniqueKeys: [],
    });
    await query('create table keyed (a int, b int, c text unique, primary key (b, a))');
    expect((await engine.table('keyed'))?.uniqueKeys).toEqual([['b', 'a'], ['c']]);
    expect(await engine.table('nope')).toBeNull();
  });

  it('upserts by a key the page picked (a staged load over the one PGlite session), and replaces', async () => {
    await query('create table upsert_t (id int primary key, label text)');
    await query(`insert into upsert_t select g, 'old ' || g from generate_series(1, 100) g`);
    const file = [
      'id,label',
      ...Array.from({ length: 100 }, (_, i) => `${i + 51},new ${i + 51}`),
      '60,last',
    ].join('\n');
    const request: LoadRequest = { ...CSV, header: true, conflict: 'update', key: ['id'] };
    const outcome = await engine.load(
      'upsert_t',
      blobOf(`${file}\n`),
      request,
      collect().onEvent,
      new AbortController().signal,
    );
    if (outcome.type !== 'report') throw new Error(JSON.stringify(outcome));
    expect(outcome).toMatchObject({
      commit: 'staged',
      published: { inserted: 50, updated: 50, duplicates: 1 },
    });
    expect(
      await query('select count(*)::int4 as n, max(label) filter (where id = 60) as l from upsert_t'),
    ).toEqual([{ n: 150, l: 'last' }]);
    const replaced = await engine.load(
      'upsert_t',
      blobOf('id,label\n1,only\n'),
      { ...CSV, header: true, replace: true },
      collect().onEvent,
      new AbortController().signal,
    );
    expect(replaced).toMatchObject({ type: 'report', published: { inserted: 1, deleted: 150 } });
    expect(await count('upsert_t')).toBe(1);
  });

  it('exports CSV and NDJSON that load back to the same rows', async () => {
    const rows = sampleRows(1_500, 11);
    const signal = new AbortController().signal;
    await engine.load('src_rt', blobOf(toCsv(rows)), { ...CSV, createTable: true }, () => {}, signal);
    const csv = await engine.exportTable('src_rt', 'csv', {});
    expect((await csv.text()).split('\n')[0]).toBe('id,name,amount,at,flag,note');
    await query('create table csv_rt (like src_rt)');
    expect(await engine.load('csv_rt', csv, CSV, () => {}, signal)).toMatchObject({
      type: 'report',
      rows: 1_500,
    });
    const ndjson = await engine.exportTable('src_rt', 'ndjson', {});
    await query('create table nd_rt (like src_rt)');
    const back = await engine.load('nd_rt', ndjson, { ...CSV, format: 'ndjson' }, () => {}, signal);
    expect(back).toMatchObject({ type: 'report', rows: 1_500 });
    for (const copy of ['csv_rt', 'nd_rt']) {
      const diff = await query(
        `select count(*)::int4 as n from ((table src_rt except all table ${copy}) union all (table ${copy} except all table src_rt)) d`,
      );
      expect(diff).toEqual([{ n: 0 }]);
    }
    await expect(engine.exportTable('nope', 'csv', {})).rejects.toMatchObject({ status: 404 });
  });
});

describe('offline load at size', () => {
  it('loads 100k rows', async () => {
    const text = toCsv(sampleRows(100_000, 3));
    const started = Date.now();
    const events = collect();
    const outcome = await engine.load(
      'big',
      blobOf(text),
      { ...CSV, createTable: true },
      events.onEvent,
      new AbortController().signal,
    );
    expect(outcome).toMatchObject({ type: 'report', rows: 100_000 });
    expect(events.of('progress').at(-1)).toMatchObject({ rows: 100_000 });
    expect(await count('big')).toBe(100_000);
    console.log(
      `offline engine: 100k rows (${(text.length / 2 ** 20).toFixed(1)} MiB of CSV) in ${Date.now() - started} ms`,
    );
  }, 120_000);
});
