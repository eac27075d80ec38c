/**
 * Partitioned export against a real server: whatever the key (dense or skewed integers, bigint past
 * 2^53, text full of quotes and backslashes, timestamps, dates, numerics, NULLs), every row comes out
 * exactly once, and each format parses back to what a plain single COPY gives.
 */
import { BinaryCopyDecoder, type Connection } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import { Oid } from '@haul/protocol/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import type { ExportOptions } from '../../src/api.ts';
import { LoadConfigError } from '../../src/errors.ts';
import { exportRows } from '../../src/export/export.ts';
import { concat, countingConnector, parseCsv, readAll, uniqueName } from './support.ts';

const ROWS = 3000;
const dec = new TextDecoder();

/** Values that break naive SQL quoting, as text keys (each used by many rows, plus unique ones). */
const TRICKY = [
  "it's",
  "''",
  'back\\slash',
  "\\'",
  '"double"',
  "E'x'",
  '$$dollar$$',
  '--comment',
  "'); drop table pg_class; --",
  'semi;colon',
  'snow ☃ man',
  ' leading space',
  '',
  'Zeta',
  'alpha',
  'line\nbreak',
  'tab\there',
  'comma,quote"',
];

describe.each(databaseTargets())('partitioned export on $name', ({ url }) => {
  let db: Connection;
  const table = uniqueName('export_parts');

  beforeAll(async () => {
    db = await connect(url);
    await db.exec(`drop table if exists ${table}`);
    await db.exec(`
      create table ${table} (
        id int4 primary key,
        dense int4,
        skewed int8,
        big int8,
        word text,
        lumpy text,
        at timestamptz,
        day date,
        amount numeric(12, 3),
        ratio float8,
        doc json,
        note text
      )`);
    await db.query(
      `insert into ${table}
       select g,
         g,
         case when g % 100 = 0 then null when g % 10 = 0 then g * 1000 else 1 end,
         9007199254740992 - 1500 + g,
         case when g % 7 = 0 then null else ($1::text[])[1 + g % array_length($1::text[], 1)] || (g % 50)::text end,
         case when g % 20 = 0 then 'x' || g else 'a' end,
         case when g % 11 = 0 then null else timestamptz '2024-01-01 00:00:00+00' + g * interval '17 minutes 3.5 seconds' end,
         date '2000-01-01' + (g % 400) - 200,
         case when g % 13 = 0 then null else (g * 7919 % 100000) / 1000.0 - 50 end,
         case when g % 17 = 0 then null else sin(g) * 1e6 end,
         case when g % 2 = 0 then ('{' || chr(10) || '"id": ' || g || ',' || chr(13) || chr(10) || ' "s": "x\\ny"}')::json end,
         case when g % 3 = 0 then 'note "' || g || '", with comma' || chr(10) || 'and a line' end
       from generate_series(1, ${ROWS}) g`,
      [TRICKY],
    );
    // A few text keys that are exactly the tricky values, so they can become cut points themselves.
    await db.query(
      `insert into ${table} (id, word) select ${ROWS} + i, ($1::text[])[i] from generate_series(1, array_length($1::text[], 1)) i`,
      [TRICKY],
    );
    await db.exec(`analyze ${table}`);
  });

  afterAll(async () => {
    await db.exec(`drop table if exists ${table}`);
    await db.close();
  });

  const total = ROWS + TRICKY.length;
  const allIds = Array.from({ length: total }, (_, i) => i + 1);

  /** Exports (binary) with `options`; returns ids in output order and how many connections were opened. */
  async function exportIds(
    options: Partial<ExportOptions>,
    types?: number[],
  ): Promise<{ ids: number[]; connections: number }> {
    const counting = countingConnector(url);
    const bytes = await readAll(
      exportRows({ connector: counting.connector, table, format: 'binary', ...options }),
    );
    const decoder = new BinaryCopyDecoder(types ?? (await columnTypes()));
    const rows = decoder.push(bytes);
    decoder.end();
    return { ids: rows.map((r) => r[0] as number), connections: counting.opened };
  }

  async function columnTypes(): Promise<number[]> {
    const { fields } = await db.query(`select * from ${table} limit 0`);
    return fields.map((f) => f.typeOid);
  }

  function expectEveryRowOnce(ids: number[]): void {
    expect(ids).toHaveLength(total);
    expect([...ids].sort((a, b) => a - b)).toEqual(allIds);
  }

  it.each([
    ['dense integers', 'dense', 4],
    ['dense integers, many partitions', 'dense', 13],
    ['skewed integers with NULLs', 'skewed', 4],
    ['bigint past 2^53', 'big', 7],
    ['text with quotes, backslashes and NULLs', 'word', 16],
    ['text mostly one value', 'lumpy', 5],
    ['timestamptz with NULLs', 'at', 6],
    ['dates', 'day', 5],
    ['numeric with NULLs', 'amount', 4],
    ['float8 with NULLs', 'ratio', 4],
  ])('%s: every row exactly once', async (_, key, partitions) => {
    const { ids, connections } = await exportIds({ partitionOn: key, partitions });
    expectEveryRowOnce(ids);
    expect(connections).toBeGreaterThan(1);
    expect(connections).toBeLessThanOrEqual(partitions);
  });

  it('splits integer ranges exactly at their edges (bigint past 2^53, one partition per value)', async () => {
    const base = 9007199254740992n - 1500n;
    // Keys base+1..base+8 (ids 1..8) as 8 partitions: each must hold exactly its one key.
    const { ids, connections } = await exportIds({
      query: `select * from ${table} where big <= ${base + 8n}`,
      table: undefined,
      partitionOn: 'big',
      partitions: 8,
    });
    expect([...ids].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(connections).toBe(8);
  });

  it('takes explicit bounds, with rows beyond the outer ones kept', async () => {
    const { ids, connections } = await exportIds({
      partitionOn: 'dense',
      bounds: [100, 1000, 1000, 2000, 2500],
    });
    // Without the tricky rows' NULL keys lost: they go to the first range.
    expectEveryRowOnce(ids);
    expect(connections).toBe(3);
  });

  it('takes explicit text bounds full of quotes and backslashes', async () => {
    const sorted = (
      await db.query<{ w: string }>(`select w from unnest($1::text[]) w order by w`, [TRICKY])
    ).rows.map((r) => r.w);
    const { ids } = await exportIds({ partitionOn: 'word', bounds: sorted });
    expectEveryRowOnce(ids);
  });

  it('rejects descending bounds, naming them', async () => {
    const error = await readAll(
      exportRows({ url, connect, table, partitionOn: 'dense', bounds: [1, 50, 20, 100] }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadConfigError);
    expect((error as Error).message).toContain('bounds must ascend: "20" comes after "50"');
  });

  it('falls back to quantiles for infinite timestamps, and partitions a query with a comment and a semicolon', async () => {
    const { ids, connections } = await exportIds(
      {
        table: undefined,
        query: `select id, case when id = 1 then 'infinity'::timestamptz when id = 2 then '-infinity' else at end as t
              from ${table} -- every row;
              ;`,
        partitionOn: 'T',
        partitions: 4,
      },
      [Oid.int4, Oid.timestamptz],
    );
    expectEveryRowOnce(ids);
    expect(connections).toBe(4);
  });

  it('exports csv that parses back to the rows of a single COPY, with one header', async () => {
    const text = dec.decode(
      await readAll(exportRows({ url, connect, table, partitionOn: 'word', partitions: 5 })),
    );
    const rows = parseCsv(text);
    const expected = parseCsv(dec.decode(await copyAll(`copy ${table} to stdout (format csv)`)));
    expect(rows[0]).toEqual([
      'id',
      'dense',
      'skewed',
      'big',
      'word',
      'lumpy',
      'at',
      'day',
      'amount',
      'ratio',
      'doc',
      'note',
    ]);
    const byId = (a: (string | null)[], b: (string | null)[]) => Number(a[0]) - Number(b[0]);
    expect(rows.slice(1).sort(byId)).toEqual(expected.sort(byId));
  });

  it('leaves the CSV header out on request', async () => {
    const text = dec.decode(
      await readAll(exportRows({ url, connect, table, partitionOn: 'id', partitions: 3, header: false })),
    );
    expect(parseCsv(text)).toHaveLength(total);
  });

  it('exports ndjson, one JSON object per line, equal to row_to_json', async () => {
    const text = dec.decode(
      await readAll(exportRows({ url, connect, table, partitionOn: 'at', partitions: 4, format: 'ndjson' })),
    );
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(total);
    const rows = lines.map((line) => JSON.parse(line) as { id: number });
    const { rows: expected } = await db.query<{ j: string }>(
      `select row_to_json(t)::text as j from ${table} t`,
    );
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
    expect(rows.sort(byId)).toEqual(expected.map((r) => JSON.parse(r.j) as { id: number }).sort(byId));
    expect(rows[1]).toMatchObject({ id: 2, doc: { id: 2, s: 'x\ny' } });
  });

  it('exports one valid PGCOPY stream that decodes to the rows of a single binary COPY', async () => {
    const bytes = await readAll(
      exportRows({ url, connect, table, partitionOn: 'amount', partitions: 4, format: 'binary' }),
    );
    expect(dec.decode(bytes.subarray(0, 6))).toBe('PGCOPY');
    const types = await columnTypes();
    const decoder = new BinaryCopyDecoder(types);
    const rows = decoder.push(bytes);
    decoder.end();
    const single = new BinaryCopyDecoder(types);
    const expected = single.push(await copyAll(`copy ${table} to stdout (format binary)`));
    const byId = (a: unknown[], b: unknown[]) => (a[0] as number) - (b[0] as number);
    expect(rows.sort(byId)).toEqual(expected.sort(byId));
  });

  it('loads its binary output back with COPY FROM', async () => {
    const copy = uniqueName('export_back');
    await db.exec(`create table ${copy} (like ${table})`);
    try {
      const stream = exportRows({
        url,
        connect,
        table,
        partitionOn: 'dense',
        partitions: 3,
        format: 'binary',
      });
      await db.copyIn(`copy ${copy} from stdin (format binary)`, stream);
      const { rows } = await db.query<{ n: number }>(
        `select count(*)::int4 as n from (
           select row_to_json(t)::text from ${table} t except all select row_to_json(c)::text from ${copy} c
         ) d`,
      );
      expect(rows[0]!.n).toBe(0);
      const { rows: count } = await db.query<{ n: number }>(`select count(*)::int4 as n from ${copy}`);
      expect(count[0]!.n).toBe(total);
    } finally {
      await db.exec(`drop table ${copy}`);
    }
  });

  it('exports without a key over one connection, and an empty table', async () => {
    const { ids, connections } = await exportIds({});
    expectEveryRowOnce(ids);
    expect(connections).toBe(1);
    const empty = await readAll(
      exportRows({
        url,
        connect,
        query: `select * from ${table} where false`,
        partitionOn: 'dense',
        format: 'binary',
      }),
    );
    expect(empty).toHaveLength(21);
    const none = await readAll(
      exportRows({ url, connect, query: `select 1 as a where false`, header: false }),
    );
    expect(none).toHaveLength(0);
  });

  it('names a missing table or key column', async () => {
    await expect(readAll(exportRows({ url, connect, table: 'no_such_export_table' }))).rejects.toThrow(
      LoadConfigError,
    );
    const error = await readAll(exportRows({ url, connect, table, partitionOn: 'nope' })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoadConfigError);
    expect((error as Error).message).toContain('has no column "nope"');
  });

  it('refuses a key type that has no order', async () => {
    const error = await readAll(
      exportRows({ url, connect, query: `select id, doc from ${table}`, partitionOn: 'doc' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadConfigError);
    expect((error as Error).message).toContain('cannot partition the query on "doc" (json)');
  });

  async function copyAll(sql: string): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of db.copyOut(sql)) chunks.push(chunk);
    return concat(chunks);
  }
});
