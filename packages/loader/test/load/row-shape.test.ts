/**
 * Rows of the wrong shape, and rows that span lines, against a real server (issue 11, items 1 and 3):
 * the header decides how many fields every row has (never the first data row), a short or long row is
 * a bad row with its true line whatever the COPY path, and the server's "line N" (which counts the line
 * breaks inside quoted fields) is traced back to the right row, in abort and in reject mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import type { RejectedRow } from '../../src/api.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, scalar, uniqueName, via } from '../support/database.ts';
import { badRowOf } from '../support/load-failure.ts';

const PATHS = ['raw', 'binary', 'text'] as const;

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  async function table(ddl = '(a int, b text, c text)'): Promise<string> {
    const name = uniqueName('row_shape');
    await admin.unsafe(`create table ${name} ${ddl}`);
    return name;
  }

  const failure = badRowOf;

  const cases = [
    // The first data row is short: its width must not become every row's.
    { csv: 'a,b,c\n1\n2\n3\n4\n', line: 2, column: 'b', why: 'missing data for column "b"' },
    { csv: 'a,b,c\n1,x,y\n2\n3,z,w\n', line: 3, column: 'b', why: 'missing data for column "b"' },
    // A header wider than the data: the header text must never be stored.
    { csv: 'a,b\n1\n', line: 2, column: 'b', why: 'missing data for column "b"' },
    // A field past the header's: never dropped.
    { csv: 'a,b\n1,x,EXTRA1\n', line: 2, why: 'extra data after last expected column' },
  ];

  describe.each(PATHS)('copyFormat %s', (copyFormat) => {
    it.each(cases)(
      'refuses $csv (nothing committed), naming line $line',
      async ({ csv, line, column, why }) => {
        const name = await table();
        const error = await failure(
          load({ ...via(url), table: name, source: csv, format: 'csv', copyFormat }),
        );
        expect(error.line).toBe(line);
        expect(error.sqlstate).toBe('22P04');
        expect(error.message).toContain(why);
        if (column) expect(error.column).toBe(column);
        expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
      },
    );

    it('sets ragged rows aside in reject mode and stores exactly the others', async () => {
      const name = await table();
      const rejected: RejectedRow[] = [];
      const report = await load({
        ...via(url),
        table: name,
        source: 'a,b,c\n1\n2,x,y\n3,p,q,r\n\n4,"multi\nline",z\n5,e\n',
        format: 'csv',
        copyFormat,
        onError: 'reject',
        onReject: (row) => {
          rejected.push(row);
        },
      });
      expect(rejected.map((r) => [r.line, r.text])).toEqual([
        [2, '1'],
        [4, '3,p,q,r'],
        [5, ''],
        [8, '5,e'],
      ]);
      expect(report).toMatchObject({ rows: 2, rejected: 4 });
      expect(await admin.unsafe(`select a, b, c from ${name} order by a`)).toEqual([
        { a: 2, b: 'x', c: 'y' },
        { a: 4, b: 'multi\nline', c: 'z' },
      ]);
    });
  });

  it('without a header, every row has one field per column, as COPY wants, and a short first row is named', async () => {
    const name = await table();
    const error = await failure(
      load({ ...via(url), table: name, source: '1,x\n2,y,z\n', format: 'csv', header: false }),
    );
    expect(error.line).toBe(1);
    expect(error.message).toContain('missing data for column "c"');
    // A narrower source names its columns; then every row must have that many fields.
    const report = await load({
      ...via(url),
      table: name,
      source: '1,x\n2,y\n',
      format: 'csv',
      header: false,
      columns: ['a', 'b'],
    });
    expect(report.rows).toBe(2);
  });

  it('a columns list that does not match the header is refused before anything is sent', async () => {
    const name = await table();
    await expect(
      load({ ...via(url), table: name, source: 'x,y,z\n1,2,3\n', format: 'csv', columns: ['a', 'b'] }),
    ).rejects.toThrow("the columns list names 2 columns but the source's header has 3 fields");
  });

  describe.each(['abort', 'reject'] as const)('rows spanning lines, onError %s', (onError) => {
    it('names the line a bad row starts on, after thousands of multi-line rows, on the raw path', async () => {
      const name = await table('(id int, note text, n int)');
      let csv = 'id,note,n\n';
      let line = 2;
      let badLine = 0;
      const rows = 20_000;
      for (let i = 1; i <= rows; i++) {
        const note = i % 10 === 0 ? '"two\nlines"' : i % 7 === 0 ? '"three\n\nlines"' : `n${i}`;
        if (i === 16_500) badLine = line;
        csv += `${i},${note},${i === 16_500 ? 'oops' : i}\n`;
        line += 1 + (note.match(/\n/g)?.length ?? 0);
      }
      const rejected: RejectedRow[] = [];
      const loading = load({
        ...via(url),
        table: name,
        source: csv,
        format: 'csv',
        shards: 2,
        chunkBytes: 16 * 1024,
        // The server finds the bad value: its line count is what is being tested.
        copyFormat: 'raw',
        onError,
        onReject: (row) => {
          rejected.push(row);
        },
      });
      if (onError === 'abort') {
        const error = await failure(loading);
        expect(error).toMatchObject({ line: badLine, column: 'n', sqlstate: '22P02' });
        return;
      }
      const report = await loading;
      expect(report).toMatchObject({ copyFormat: 'raw', rows: rows - 1, rejected: 1 });
      expect(rejected).toMatchObject([{ line: badLine, column: 'n', sqlstate: '22P02' }]);
      expect(await scalar(admin, `select count(*)::int from ${name} where note like '%\n%'`)).toBe(
        // Every 10th and every 7th note spans lines; the rejected row 16,500 was one of them.
        Math.floor(rows / 10) + Math.floor(rows / 7) - Math.floor(rows / 70) - 1,
      );
    });

    it("counts lines as the server does in a COPY's first row, whose line ending it does not know yet", async () => {
      const name = await table('(id int, note text, n int)');
      // No header: the first row the server reads spans lines, before it has seen a line ending.
      const csv = '1,"a\nb\nc",1\n2,"d\ne",oops\n3,f,3\n';
      const rejected: RejectedRow[] = [];
      const loading = load({
        ...via(url),
        table: name,
        source: csv,
        format: 'csv',
        header: false,
        shards: 1,
        copyFormat: 'raw',
        onError,
        onReject: (row) => {
          rejected.push(row);
        },
      });
      if (onError === 'abort') {
        expect(await failure(loading)).toMatchObject({ line: 4, column: 'n' });
        return;
      }
      await loading;
      expect(rejected).toMatchObject([{ line: 4, text: '2,"d\ne",oops' }]);
      expect(await admin.unsafe(`select id from ${name} order by id`)).toEqual([{ id: 1 }, { id: 3 }]);
    });
  });
});
