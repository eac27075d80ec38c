/**
 * Export bytes against the server's own COPY, for values that are hard to write (quotes, doubled
 * quotes, commas, CR/LF inside fields, NULL beside the empty string, `\.`, multi-byte UTF-8, json
 * with raw line breaks): one partition is byte for byte the server's CSV; block partitions (ranges of
 * the table's pages) hold exactly its rows, each once, each byte for byte; NDJSON is the server's
 * row_to_json with raw line breaks blanked.
 */
import type { Connection } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { LoadConfigError } from '../../src/errors.ts';
import { exportRows } from '../../src/export/export.ts';
import { concat, countingConnector, parseCsv, readAll, uniqueName } from './support.ts';

const ROWS = 4000;
const dec = new TextDecoder();

const TRICKY = [
  'plain',
  'say "hi"',
  '""',
  '"',
  'a,b',
  'two\nlines',
  'cr\rhere',
  'crlf\r\nend',
  '',
  '\\.',
  '\\',
  ' padded ',
  'naïve café — ✓ 🐘',
  'tab\there',
];

/** Each CSV record's raw text (a quoted newline does not end one), in order. */
function csvRecords(text: string): string[] {
  const records: string[] = [];
  let start = 0;
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (c === '\n' && !inQuotes) {
      records.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  expect(start).toBe(text.length);
  return records;
}

describe.each(databaseTargets())('export bytes on $name', ({ url }) => {
  let db: Connection;
  const table = uniqueName('export_bytes');

  beforeAll(async () => {
    db = await connect(url);
    await db.exec(`drop table if exists ${table}`);
    await db.exec(`create table ${table} (id int4, word text, other text, doc json, at timestamptz)`);
    await db.query(
      `insert into ${table}
       select g,
         case when g % 9 = 0 then null else ($1::text[])[1 + g % array_length($1::text[], 1)] end,
         case when g % 4 = 0 then null else repeat(($1::text[])[1 + (g / 3) % array_length($1::text[], 1)], 1 + g % 5) end,
         case when g % 2 = 0 then ('{' || chr(10) || '"id": ' || g || ',' || chr(13) || chr(10) || ' "s": "x\\ny ☃"}')::json end,
         timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute 0.25 seconds'
       from generate_series(1, ${ROWS}) g`,
      [TRICKY],
    );
    // Dead row versions and a page with holes: block ranges must still give each live row once.
    await db.exec(`update ${table} set other = 'updated "x"' where id % 97 = 0`);
    await db.exec(`delete from ${table} where id % 101 = 0`);
  });

  afterAll(async () => {
    await db.exec(`drop table if exists ${table}`);
    await db.close();
  });

  async function copyAll(sql: string): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of db.copyOut(sql)) chunks.push(chunk);
    return concat(chunks);
  }

  it('one partition is the server CSV, byte for byte', async () => {
    const expected = await copyAll(`copy (select * from ${table}) to stdout (format csv)`);
    const bytes = await readAll(exportRows({ url, connect, table, header: false }));
    expect(bytes).toEqual(expected);
    expect(parseCsv(dec.decode(bytes)).length).toBe(ROWS - Math.floor(ROWS / 101));
  });

  it.each([2, 3, 7])('%i block partitions hold each record of the server CSV once, unchanged', async (n) => {
    const expected = csvRecords(dec.decode(await copyAll(`copy ${table} to stdout (format csv)`)));
    const counting = countingConnector(url);
    const bytes = await readAll(
      exportRows({ connector: counting.connector, table, header: false, partitions: n }),
    );
    expect(csvRecords(dec.decode(bytes)).sort()).toEqual([...expected].sort());
    expect(counting.opened).toBe(n);
  });

  it('block partitions of a partitioned table, and of more partitions than pages', async () => {
    const parted = uniqueName('export_parted');
    await db.exec(`create table ${parted} (id int4, word text) partition by range (id)`);
    await db.exec(`create table ${parted}_a partition of ${parted} for values from (minvalue) to (1000)`);
    await db.exec(`create table ${parted}_b partition of ${parted} for values from (1000) to (maxvalue)`);
    try {
      await db.exec(`insert into ${parted} select id, word from ${table}`);
      const expected = csvRecords(
        dec.decode(await copyAll(`copy (select * from ${parted}) to stdout (format csv)`)),
      );
      const bytes = await readAll(exportRows({ url, connect, table: parted, header: false, partitions: 5 }));
      expect(csvRecords(dec.decode(bytes)).sort()).toEqual([...expected].sort());
      const tiny = await readAll(
        exportRows({ url, connect, table: `${parted}_a`, header: false, partitions: 500 }),
      );
      expect(csvRecords(dec.decode(tiny))).toHaveLength(999 - Math.floor(999 / 101));
    } finally {
      await db.exec(`drop table ${parted}`);
    }
  });

  it('refuses block partitions of a view, naming what to pass', async () => {
    const view = uniqueName('export_view');
    await db.exec(`create view ${view} as select * from ${table}`);
    try {
      const error = await readAll(exportRows({ url, connect, table: view, partitions: 2 })).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LoadConfigError);
      expect((error as Error).message).toContain('pass partitionOn');
    } finally {
      await db.exec(`drop view ${view}`);
    }
  });

  it.each([1, 3])('ndjson over %i partition(s) is row_to_json with raw line breaks blanked', async (n) => {
    const { rows } = await db.query<{ j: string }>(`select row_to_json(q)::text as j from ${table} q`);
    const expected = rows.map((r) => `${r.j.replace(/[\r\n]/g, ' ')}\n`);
    const text = dec.decode(
      await readAll(exportRows({ url, connect, table, format: 'ndjson', partitions: n })),
    );
    const lines = text.split(/(?<=\n)/);
    if (n === 1) expect(lines).toEqual(expected);
    else expect(lines.sort()).toEqual(expected.sort());
  });
});
