/**
 * The raw path past its first batch, where the client finds only row boundaries (csv-row-boundaries.ts)
 * and leaves the fields to the server: what lands is what the server's own COPY of the same bytes
 * stores, in any dialect and line ending, and a row of the wrong width or a NULL in a NOT NULL column
 * deep in the file is still refused with its source line and SQLSTATE (and the column the server
 * names in a field: a NOT NULL one).
 */
import type { Connection } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, scalar, uniqueName, via } from '../support/database.ts';
import { badRowOf } from '../support/load-failure.ts';

/** Many 1 KiB chunks: every row after the first kilobyte is found by the boundary scanner. */
const CHUNK = 1024;
const ROWS = 3000;

interface Dialect {
  name: string;
  quote: string;
  escape: string;
  ending: string;
}

const DIALECTS: Dialect[] = [
  { name: 'LF, doubled quotes', quote: '"', escape: '"', ending: '\n' },
  { name: 'CRLF, doubled quotes', quote: '"', escape: '"', ending: '\r\n' },
  { name: 'CR', quote: '"', escape: '"', ending: '\r' },
  { name: "LF, quote ' and escape \\", quote: "'", escape: '\\', ending: '\n' },
];

/** Row i's note, as the dialect writes it: plain, empty (NULL), or quoted with what quoting allows. */
function note(i: number, d: Dialect): string {
  const q = d.quote;
  const e = d.escape;
  switch (i % 8) {
    case 0:
      return '';
    case 1:
      return `${q}two${d.ending}lines ${i}${q}`;
    case 2:
      return `${q}a ${e}${q}quoted${e}${q}, comma${q}`;
    case 3:
      return `naïve café ${i} — ✓ 🚀`;
    case 4:
      return `${q}${q}`;
    case 5:
      return `${q}LF\nCR\rCRLF\r\n${q}`;
    case 6:
      return `mid${q},${q}field`;
    default:
      return `note ${i}`;
  }
}

function file(d: Dialect, rows = ROWS): string {
  let text = `id,note,n${d.ending}`;
  for (let i = 1; i <= rows; i++) text += `${i},${note(i, d)},${i % 5 === 0 ? '' : i}${d.ending}`;
  return text;
}

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  let oracleConn: Connection;
  beforeAll(async () => {
    admin = adminClient(url);
    oracleConn = await connect(url);
  });
  afterAll(async () => {
    await admin.end();
    await oracleConn.close();
  });

  async function table(ddl = '(id int, note text, n int)'): Promise<string> {
    const name = uniqueName('raw_rows');
    await admin.unsafe(`create table ${name} ${ddl}`);
    return name;
  }

  it.each(DIALECTS)('stores what the server stores from the same bytes: $name', async (d) => {
    const [target, oracle] = [await table(), await table()];
    const text = file(d);
    const literal = (char: string) => `'${char.replaceAll("'", "''")}'`;
    const options = `format csv, header, quote ${literal(d.quote)}, escape ${literal(d.escape)}`;
    await oracleConn.copyIn(`copy ${oracle} from stdin (${options})`, [new TextEncoder().encode(text)]);
    const report = await load({
      ...via(url),
      table: target,
      source: text,
      format: 'csv',
      quote: d.quote,
      escape: d.escape,
      shards: 2,
      chunkBytes: CHUNK,
      copyFormat: 'raw',
    });
    expect(report).toMatchObject({ copyFormat: 'raw', rows: ROWS });
    const differing = await scalar(
      admin,
      `select count(*)::int from ((table ${target} except all table ${oracle}) union all (table ${oracle} except all table ${target})) d`,
    );
    expect(differing).toBe(0);
    expect(
      await scalar(admin, `select count(*)::int from ${target} where note like '%' || chr(13) || '%'`),
    ).toBe(await scalar(admin, `select count(*)::int from ${oracle} where note like '%' || chr(13) || '%'`));
  });

  const bad = [
    // The server's error names the missing column in its message only (no column field, unlike the
    // client's check of the first batch): the message is what it says.
    { row: '2500', why: 'missing data for column "note"', sqlstate: '22P04' },
    { row: '2500,x,1,EXTRA', why: 'extra data after last expected column', sqlstate: '22P04' },
    { row: '2500,,1', why: 'null value', sqlstate: '23502', column: 'note' },
  ];

  it.each(bad)(
    'refuses $row deep in the file (nothing committed), naming its line',
    async ({ row, why, sqlstate, column }) => {
      const name = await table('(id int, note text not null, n int)');
      const d = DIALECTS[0]!;
      let text = 'id,note,n\n';
      let line = 2;
      let badLine = 0;
      for (let i = 1; i <= ROWS; i++) {
        if (i === 2500) badLine = line;
        const good = `${i},${note(i, d) || 'x'},${i}`;
        text += `${i === 2500 ? row : good}\n`;
        line += 1 + (i === 2500 ? 0 : (good.match(/\r\n|\r|\n/g)?.length ?? 0));
      }
      const error = await badRowOf(
        load({
          ...via(url),
          table: name,
          source: text,
          format: 'csv',
          shards: 2,
          chunkBytes: CHUNK,
          copyFormat: 'raw',
        }),
      );
      expect(error).toMatchObject({ line: badLine, sqlstate, ...(column ? { column } : {}) });
      expect(error.message).toContain(why);
      expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
    },
  );
});
