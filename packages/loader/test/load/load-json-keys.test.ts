/**
 * Object rows (NDJSON, JSON arrays, objects in memory) map by key in every row: a key the first row
 * lacks still loads, a key with no column refuses its row (or is skipped with ignoreUnknownColumns),
 * and a column whose default matters is never silently given NULL. Positional rows of the wrong width
 * are bad rows. Each outcome is checked in the database: nothing committed, or exactly the right rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import type { LoadOptions, RejectedRow } from '../../src/api.ts';
import { BadRowError, LoadConfigError, LoadFailedError } from '../../src/errors.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, uniqueName, via } from '../support/database.ts';

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  async function table(columns: string): Promise<string> {
    const name = uniqueName('json_keys');
    await admin.unsafe(`create table ${name} (${columns})`);
    return name;
  }

  const rowsOf = (name: string, columns = '*') =>
    admin.unsafe(`select ${columns} from ${name} order by id`).then((rows) => rows.map((r) => ({ ...r })));

  async function failure(options: LoadOptions): Promise<BadRowError> {
    const error = await load(options).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoadFailedError);
    expect((error as LoadFailedError).rolledBack).toBe(true);
    const cause = (error as LoadFailedError).cause;
    expect(cause).toBeInstanceOf(BadRowError);
    return cause as BadRowError;
  }

  async function rejecting(options: LoadOptions): Promise<{ rows: number; rejects: RejectedRow[] }> {
    const rejects: RejectedRow[] = [];
    const report = await load({ ...options, onError: 'reject', onReject: (row) => void rejects.push(row) });
    expect(report.rejected).toBe(rejects.length);
    return { rows: report.rows, rejects };
  }

  for (const format of ['ndjson', 'json'] as const) {
    const text = (rows: readonly string[]) =>
      format === 'ndjson' ? `${rows.join('\n')}\n` : `[${rows.join(',\n')}]`;

    it(`${format}: a key missing from the first object loads in the rows that have it (binary and text COPY)`, async () => {
      for (const copyFormat of ['binary', 'text'] as const) {
        const name = await table('id int, v text, n int');
        const report = await load({
          ...via(url),
          table: name,
          source: text(['{"id":1}', '{"id":2,"v":"hello"}', '{"n":7,"id":3}']),
          format,
          copyFormat,
        });
        expect(report).toMatchObject({ rows: 3, rejected: 0, copyFormat });
        expect(await rowsOf(name)).toEqual([
          { id: 1, v: null, n: null },
          { id: 2, v: 'hello', n: null },
          { id: 3, v: null, n: 7 },
        ]);
      }
    });

    it(`${format}: a key first seen after the first batch still loads`, async () => {
      const name = await table('id int, v text, late text');
      const rows = Array.from({ length: 400 }, (_, i) => `{"id":${i},"v":"${'x'.repeat(20)}"}`);
      rows.push('{"id":400,"late":"here"}');
      const report = await load({ ...via(url), table: name, source: text(rows), format, chunkBytes: 1024 });
      expect(report.rows).toBe(401);
      expect(await rowsOf(name, 'id, late')).toContainEqual({ id: 400, late: 'here' });
    });

    it(`${format}: a key with no column is a bad row naming key and line; abort commits nothing, reject loads the rest`, async () => {
      const name = await table('id int, v text');
      const source = text(['{"id":1,"v":"a"}', '{"id":2,"v":"b"}', '{"id":3,"nope":true}', '{"id":4}']);
      const error = await failure({ ...via(url), table: name, source, format });
      expect(error.line).toBe(3);
      expect(error.value).toBe('nope');
      expect(error.message).toMatch(/^line 3: key "nope": "public"\."json_keys_\w+" has no such column/);
      expect(await rowsOf(name)).toEqual([]);

      const { rows, rejects } = await rejecting({ ...via(url), table: name, source, format });
      expect(rows).toBe(3);
      expect(rejects.map((r) => [r.line, r.text])).toEqual([[3, '{"id":3,"nope":true}']]);
      expect(await rowsOf(name)).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: 'b' },
        { id: 4, v: null },
      ]);
    });
  }

  it('ignoreUnknownColumns skips unknown and generated keys in any row', async () => {
    const name = await table('id int, v text, g int generated always as (id * 2) stored');
    const report = await load({
      ...via(url),
      table: name,
      source: '{"id":1}\n{"id":2,"x":1,"g":5,"v":"b"}\n',
      format: 'ndjson',
      ignoreUnknownColumns: true,
    });
    expect(report.rows).toBe(2);
    expect(await rowsOf(name)).toEqual([
      { id: 1, v: null, g: 2 },
      { id: 2, v: 'b', g: 4 },
    ]);
  });

  it('a column with a default is never silently NULL: absent from every first row it gets its default; absent from some rows, those are bad rows', async () => {
    const name = await table(
      "id int, note text not null default 'none', made int generated by default as identity, v text",
    );
    // No first row names note or made: both get their defaults.
    await load({ ...via(url), table: name, source: '{"id":1,"v":"a"}\n{"id":2}\n', format: 'ndjson' });
    expect(await rowsOf(name, 'id, note, made, v')).toEqual([
      { id: 1, note: 'none', made: 1, v: 'a' },
      { id: 2, note: 'none', made: 2, v: null },
    ]);
    await admin.unsafe(`truncate ${name}`);

    // note is in the first rows, so it is in the COPY list: row 2 without it would get NULL, not 'none'.
    const source = '{"id":1,"note":"n1"}\n{"id":2}\n{"id":3,"note":null}\n';
    const error = await failure({ ...via(url), table: name, source, format: 'ndjson' });
    expect(error.line).toBe(2);
    expect(error.column).toBe('note');
    expect(error.message).toMatch(/no key for column "note", which has a default/);
    expect(await rowsOf(name)).toEqual([]);
    const { rows, rejects } = await rejecting({ ...via(url), table: name, source, format: 'ndjson' });
    expect(rows).toBe(1); // row 3's explicit null breaks NOT NULL: refused by the checks here
    expect(rejects.map((r) => [r.line, r.column])).toEqual([
      [2, 'note'],
      [3, 'note'],
    ]);
    expect(rejects[1]!.error).toMatch(/null value violates not-null constraint/);
    expect(await rowsOf(name, 'id, note')).toEqual([{ id: 1, note: 'n1' }]);
  });

  it('a key for a defaulted column that no first-batch row had is a bad row (the COPY list left it out), or loads when named in columns', async () => {
    const name = await table("id int, note text default 'none'");
    const rows = Array.from({ length: 300 }, (_, i) => `{"id":${i}}`);
    rows.push('{"id":300,"note":"late"}');
    const source = `${rows.join('\n')}\n`;
    const error = await failure({ ...via(url), table: name, source, format: 'ndjson', chunkBytes: 1024 });
    expect(error.line).toBe(301);
    expect(error.column).toBe('note');
    expect(error.message).toMatch(/has a default and no key in the first rows.*name it in the columns list/);
    // Even ignoreUnknownColumns does not drop it: the table has the column.
    const ignoring = await failure({
      ...via(url),
      table: name,
      source,
      format: 'ndjson',
      chunkBytes: 1024,
      ignoreUnknownColumns: true,
    });
    expect(ignoring.line).toBe(301);
    expect(await rowsOf(name)).toEqual([]);

    // Named in columns it is in the COPY list: every row needs the key, null for NULL.
    const named = `${rows.map((r, i) => (i < 300 ? r.replace('}', ',"note":null}') : r)).join('\n')}\n`;
    await load({ ...via(url), table: name, source: named, format: 'ndjson', columns: ['id', 'note'] });
    expect(await rowsOf(name, 'id, note').then((r) => r.slice(-2))).toEqual([
      { id: 299, note: null },
      { id: 300, note: 'late' },
    ]);
  });

  it('columns with object rows: keys outside the list are bad rows (or skipped), config mistakes are refused up front', async () => {
    const name = await table('id int, v text, w text');
    const source = '{"id":1,"v":"a"}\n{"id":2,"w":"b"}\n';
    const error = await failure({ ...via(url), table: name, source, format: 'ndjson', columns: ['id', 'v'] });
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/key "w" names column "w", which is not in the columns list/);
    await load({
      ...via(url),
      table: name,
      source,
      format: 'ndjson',
      columns: ['id', 'v'],
      ignoreUnknownColumns: true,
    });
    expect(await rowsOf(name)).toEqual([
      { id: 1, v: 'a', w: null },
      { id: 2, v: null, w: null },
    ]);
    await expect(
      load({ ...via(url), table: name, source, format: 'ndjson', columns: ['id', 'zzz'] }),
    ).rejects.toBeInstanceOf(LoadConfigError);
    await expect(load({ ...via(url), table: name, source: '{"x":1}\n', format: 'ndjson' })).rejects.toThrow(
      /no key of the source's first rows \("x"\) names a column/,
    );
  });

  it('two keys of one row for the same column, and a row of the other shape, are bad rows', async () => {
    const name = await table('id int, name text');
    const { rows, rejects } = await rejecting({
      ...via(url),
      table: name,
      source: '{"id":1,"name":"a"}\n{"id":2,"name":"b","NAME":"c"}\n[3,"d"]\n{"id":4}\n',
      format: 'ndjson',
    });
    expect(rows).toBe(2);
    expect(rejects.map((r) => r.line)).toEqual([2, 3]);
    expect(rejects[0]!.error).toMatch(/keys "name" and "NAME" both map to column "name"/);
    expect(rejects[1]!.error).toMatch(/an array where rows are objects/);
    expect(await rowsOf(name)).toEqual([
      { id: 1, name: 'a' },
      { id: 4, name: null },
    ]);
  });

  it('positional rows of another width than the writable columns are bad rows (22P04, as COPY says it)', async () => {
    const name = await table('id int, name text, extra text');
    const source = '[1,"a","x"]\n[2,"b"]\n[3,"c","y","z"]\n[4,"d",null]\n';
    const error = await failure({ ...via(url), table: name, source, format: 'ndjson' });
    expect(error).toMatchObject({ line: 2, sqlstate: '22P04', column: 'extra' });
    expect(error.message).toBe('line 2: expected 3 values, found 2: missing data for column "extra"');
    expect(await rowsOf(name)).toEqual([]);
    const { rejects } = await rejecting({ ...via(url), table: name, source, format: 'ndjson' });
    expect(rejects.map((r) => r.line)).toEqual([2, 3]);
    expect(rejects[1]!.error).toMatch(/extra data after last expected column/);
    expect(await rowsOf(name)).toEqual([
      { id: 1, name: 'a', extra: 'x' },
      { id: 4, name: 'd', extra: null },
    ]);
  });

  it('objects in memory take the same path: sparse keys load, unknown keys are bad rows', async () => {
    const name = await table('id int, v text, n numeric');
    const report = await load({
      ...via(url),
      table: name,
      source: [{ id: 1 }, { id: 2, v: 'x' }, { id: 3, n: 1.5, v: undefined }],
    });
    expect(report.rows).toBe(3);
    expect(await rowsOf(name)).toEqual([
      { id: 1, v: null, n: null },
      { id: 2, v: 'x', n: null },
      { id: 3, v: null, n: '1.5' },
    ]);
    await admin.unsafe(`truncate ${name}`);
    const error = await failure({ ...via(url), table: name, source: [{ id: 1 }, { id: 2, typo: 1 }] });
    expect(error.line).toBe(2);
    expect(await rowsOf(name)).toEqual([]);
  });

  it('a key longer than 63 bytes names the column the server cut it to, with createTable and after', async () => {
    const name = uniqueName('json_keys_long');
    const long = `k${'é'.repeat(40)}`;
    const source = `{"id":1,"${long}":"a"}\n{"id":2,"${long}":"b"}\n`;
    await load({ ...via(url), table: name, source, format: 'ndjson', createTable: true });
    await load({ ...via(url), table: name, source, format: 'ndjson' });
    const [column] = await admin.unsafe(
      `select attname from pg_attribute where attrelid = '${name}'::regclass and attnum = 2`,
    );
    expect(long.startsWith(column!.attname as string)).toBe(true);
    expect(
      await admin.unsafe(`select count(*)::int as n from ${name} where "${column!.attname}" is not null`),
    ).toEqual([{ n: 4 }]);
  });

  it('createTable takes its columns from every key of the first rows, not only the first row', async () => {
    const name = uniqueName('json_keys_created');
    const report = await load({
      ...via(url),
      table: name,
      source: '{"id":1}\n{"id":2,"v":"hello"}\n',
      format: 'ndjson',
      createTable: true,
    });
    expect(report.rows).toBe(2);
    expect(await rowsOf(name)).toEqual([
      { id: 1, v: null },
      { id: 2, v: 'hello' },
    ]);
  });
});
