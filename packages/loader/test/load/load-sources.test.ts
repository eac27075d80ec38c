/**
 * Loads from every kind of source and mapping: rows in memory, gzip NDJSON as a Web stream, a CSV whose
 * header orders columns differently, a 1 MiB field, a type without a binary converter (text COPY,
 * named in the report), and a table created from the input.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, scalar, uniqueName, via } from '../support/database.ts';

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  it('rows in memory (objects by key) with a range column go as text COPY, and the report says why', async () => {
    const name = uniqueName('load_objects');
    await admin.unsafe(`create table ${name} (id int, span int4range, tags text[], doc jsonb)`);
    function* rows() {
      for (let i = 0; i < 500; i++)
        yield { id: i, span: `[${i},${i + 60})`, tags: ['a', `b ${i}`], doc: { i, list: [i] } };
    }
    const report = await load({ ...via(url), table: name, source: rows() });
    expect(report).toMatchObject({ rows: 500, copyFormat: 'text' });
    expect(report.textReason).toMatch(/span \(int4range\)/);
    const [row] = await admin.unsafe(`select span::text, tags, doc from ${name} where id = 7`);
    expect(row).toEqual({ span: '[7,67)', tags: ['a', 'b 7'], doc: { i: 7, list: [7] } });
  });

  it('gzip NDJSON from a ReadableStream, arrays by position, in binary', async () => {
    const name = uniqueName('load_ndjson');
    await admin.unsafe(`create table ${name} (id int8, name text, at timestamptz)`);
    let text = '';
    for (let i = 0; i < 3000; i++) text += `${JSON.stringify([i, `n${i}`, '2024-02-29T12:00:00Z'])}\n`;
    const gz = gzipSync(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < gz.length; at += 1000)
          controller.enqueue(new Uint8Array(gz.subarray(at, at + 1000)));
        controller.close();
      },
    });
    const report = await load({ ...via(url), table: name, source: stream, format: 'ndjson', shards: 2 });
    expect(report).toMatchObject({ rows: 3000, copyFormat: 'binary' });
    expect(await scalar(admin, `select count(*)::int from ${name} where at = '2024-02-29 12:00:00+00'`)).toBe(
      3000,
    );
  });

  it('a header in another order maps by name (raw: the COPY column list follows the header), and a 1 MiB field arrives whole', async () => {
    const name = uniqueName('load_header_order');
    await admin.unsafe(`create table ${name} (id int, body text, note text default 'none')`);
    const big = 'x'.repeat(1 << 20);
    const csv = `body,id\n"${big}",1\n"short, quoted",2\n`;
    const report = await load({ ...via(url), table: name, source: csv, format: 'csv', copyFormat: 'raw' });
    expect(report).toMatchObject({ rows: 2, copyFormat: 'raw' });
    const rows = await admin.unsafe<{ id: number; n: number; note: string }[]>(
      `select id, length(body) as n, note from ${name} order by id`,
    );
    expect(rows).toEqual([
      { id: 1, n: 1 << 20, note: 'none' },
      { id: 2, n: 13, note: 'none' },
    ]);
  });

  it('--create-table infers the columns from the first rows', async () => {
    const name = uniqueName('load_created');
    const csv =
      'id,price,seen,ok,label\n1,2.50,2024-01-01 10:00:00+00,true,a\n2,3,2024-01-02 11:00:00+00,false,\n';
    const report = await load({ ...via(url), table: name, source: csv, format: 'csv', createTable: true });
    expect(report.rows).toBe(2);
    expect(report.createdTable).toMatch(/create table/);
    const types = await admin.unsafe<{ column_name: string; data_type: string }[]>(
      `select column_name, data_type from information_schema.columns where table_name = $1 order by ordinal_position`,
      [name],
    );
    expect(types.map((t) => t.data_type)).toEqual([
      expect.stringMatching(/integer|bigint/),
      expect.stringMatching(/numeric|double/),
      'timestamp with time zone',
      'boolean',
      'text',
    ]);
  });

  it('raw rows: CRLF, a field spanning lines, a row that is only \\., and no final line ending', async () => {
    const name = uniqueName('load_raw_edges');
    await admin.unsafe(`create table ${name} (n int, v text)`);
    const csv = 'n,v\r\n1,a\r\n2,"x\r\ny"\r\n3,\\.\r\n4,last';
    const report = await load({
      ...via(url),
      table: name,
      source: csv,
      format: 'csv',
      chunkBytes: 1024,
      copyFormat: 'raw',
    });
    expect(report).toMatchObject({ rows: 4, copyFormat: 'raw' });
    const rows = await admin.unsafe<{ n: number; v: string }[]>(`select n, v from ${name} order by n`);
    expect(rows).toEqual([
      { n: 1, v: 'a' },
      { n: 2, v: 'x\r\ny' },
      { n: 3, v: '\\.' },
      { n: 4, v: 'last' },
    ]);
  });
});
