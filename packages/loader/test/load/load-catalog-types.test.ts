/**
 * Columns whose types the catalog defines or that were text-only before stay on the binary path: an
 * enum, a domain over int4 with a CHECK, inet, cidr, interval, macaddr, macaddr8, an enum array and
 * an array of the domain. A CSV loads with copyFormat 'auto' in binary, and every stored value equals
 * what the server's own text COPY of the same CSV stores in a twin table; a row the domain's CHECK
 * refuses still names its line.
 */
import { connect } from '@haul/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { BadRowError } from '../../src/errors.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, uniqueName, via } from '../support/database.ts';
import { badRowOf } from '../support/load-failure.ts';

/** One CSV line per value kind, cycling through spellings the server accepts. */
const SPANS = [
  '1 day 02:03:04',
  'P1Y2M3DT4H5M6S',
  '@ 1 hour ago',
  '1.5 years',
  '-1 2:03:04',
  '3 4:05',
  '1 year 2 mons -3 days +04:05:06.789',
  'PT1.5H',
  '10',
  '2.75 weeks',
];
const ADDRESSES = ['192.168.0.1', '10.1.2.3/8', '::1', '::ffff:1.2.3.4', 'fe80::1/64', '2001:db8::abcd/48'];
const NETWORKS = ['10.0.0.0/8', '192.168', '128.1', '2001:db8::/32', '::/0', '10'];
const MACS = ['08:00:2b:01:02:03', '08-00-2b-01-02-03', '08002b:010203', '0800.2b01.0203', '08002b010203'];
const MAC8S = ['08:00:2b:01:02:03:04:05', '0800.2b01.0203.0405', '08002b010203', '08-00-2b-01-02-03'];
const MOODS = ['sad', 'ok', 'happy'];

function csvLines(count: number): string[] {
  const lines: string[] = [];
  for (let i = 1; i <= count; i++) {
    const pick = <T>(list: readonly T[]) => list[i % list.length]!;
    const moods = i % 7 === 0 ? '{}' : `"{${pick(MOODS)},${MOODS[(i + 1) % 3]},NULL}"`;
    const amounts = i % 5 === 0 ? '' : `"{${i},${i + 1}}"`;
    const feeling = i % 11 === 0 ? '' : pick(MOODS);
    lines.push(
      [pick(SPANS), i, feeling, i, pick(ADDRESSES), pick(NETWORKS), pick(MACS), pick(MAC8S), moods, amounts]
        .map(String)
        .join(','),
    );
  }
  return lines;
}
const HEADER = 'span,id,feeling,amount,addr,net,mac,mac8,moods,amounts';

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  let mood: string;
  let positive: string;
  beforeAll(async () => {
    admin = adminClient(url);
    mood = uniqueName('mood');
    positive = uniqueName('positive');
    await admin.unsafe(`create type ${mood} as enum ('sad', 'ok', 'happy')`);
    await admin.unsafe(`create domain ${positive} as int4 check (value > 0)`);
  });
  afterAll(async () => {
    await admin.unsafe(`drop type if exists ${mood} cascade`);
    await admin.unsafe(`drop domain if exists ${positive} cascade`);
    await admin.end();
  });

  async function twinTables(): Promise<[string, string]> {
    const names: [string, string] = [uniqueName('load_types'), uniqueName('load_types_text')];
    for (const name of names) {
      await admin.unsafe(
        `create table ${name} (id int4 primary key, feeling ${mood}, amount ${positive}, addr inet,
          net cidr, span interval, mac macaddr, mac8 macaddr8, moods ${mood}[], amounts ${positive}[])`,
      );
    }
    return names;
  }

  it('loads them in binary, storing what the server stores from text COPY', async () => {
    const [binary, text] = await twinTables();
    const csv = `${HEADER}\n${csvLines(600).join('\n')}\n`;
    // Reject mode: 'auto' takes binary when every column has a converter, else text (raw sends the
    // CSV as it is and lets the server parse, which would show nothing here).
    const report = await load({
      ...via(url),
      table: binary,
      source: csv,
      format: 'csv',
      copyFormat: 'auto',
      onError: 'reject',
    });
    expect(report).toMatchObject({ rows: 600, rejected: 0, copyFormat: 'binary' });
    expect(report.textReason).toBeUndefined();

    const db = await connect(url);
    try {
      await db.copyIn(`copy ${text} (${HEADER}) from stdin (format csv, header true)`, [
        new TextEncoder().encode(csv),
      ]);
      const { rows } = await db.query<{ id: number; loaded: string | null; server: string | null }>(
        `select b.id, b::text as loaded, t::text as server from ${binary} b full join ${text} t using (id)
         where b::text is distinct from t::text order by 1`,
      );
      expect(rows).toEqual([]);
      const { rows: counts } = await db.query<{ n: number }>(`select count(*)::int4 as n from ${binary}`);
      expect(counts[0]!.n).toBe(600);
    } finally {
      await db.close();
    }
  });

  it('money goes binary under lc_monetary C, and is left to the server under other locales', async () => {
    const name = uniqueName('load_money');
    await admin.unsafe(`create table ${name} (id int4 primary key, price money)`);
    const prices = ['$1,234.56', '-12.345', '(7.5)', ' $ 0.995 ', '92233720368547758.07', '12-'];
    const csv = `id,price\n${prices.map((price, i) => `${i},"${price}"`).join('\n')}\n`;
    const inC = new URL(url);
    inC.searchParams.set('options', '-c lc_monetary=C');
    const options = { table: name, source: csv, format: 'csv', onError: 'reject' } as const;
    const report = await load({ ...via(inC.toString()), ...options });
    expect(report).toMatchObject({ rows: prices.length, rejected: 0, copyFormat: 'binary' });
    const db = await connect(inC.toString());
    try {
      const { rows } = await db.query<{ price: string }>(`select price::text from ${name} order by id`);
      const { rows: server } = await db.query<{ price: string }>(
        'select v::money::text as price from unnest($1::text[]) with ordinality as t(v, n) order by n',
        [prices],
      );
      expect(rows).toEqual(server);
    } finally {
      await db.close();
    }
    await admin.unsafe(`truncate ${name}`);
    // The server's own lc_monetary: binary only if it is C or POSIX (else the server parses: raw or text).
    const unknown = await load({ ...via(url), ...options });
    const [setting] = await admin.unsafe<{ v: string }[]>("select current_setting('lc_monetary') as v");
    expect(unknown.copyFormat === 'binary').toBe(['C', 'POSIX'].includes(setting!.v));
  });

  it("an interval with a fields restriction is left to the server ('5' there is 5 years)", async () => {
    const name = uniqueName('load_years');
    await admin.unsafe(`create table ${name} (id int4, span interval year)`);
    // Rows in memory: no raw path, so the report shows the choice between binary and text.
    const source = [
      { id: 1, span: '5' },
      { id: 2, span: '1 year 3 months' },
    ];
    const report = await load({ ...via(url), table: name, source });
    expect(report).toMatchObject({ rows: 2, copyFormat: 'text' });
    expect(report.textReason).toMatch(/span \(interval year\)/);
    const rows = await admin.unsafe(`select span::text from ${name} order by id`);
    expect(rows.map((row) => row.span)).toEqual(['5 years', '1 year']);
  });

  it("a value the domain's CHECK refuses fails the load naming its line", async () => {
    const [binary] = await twinTables();
    const lines = csvLines(300);
    lines[199] = lines[199]!.replace(/^([^,]*),200,([^,]*),200,/, '$1,200,$2,-5,');
    expect(lines[199]).toContain(',-5,');
    const csv = `${HEADER}\n${lines.join('\n')}\n`;
    const bad = await badRowOf(load({ ...via(url), table: binary, source: csv, format: 'csv', shards: 1 }));
    expect(bad).toBeInstanceOf(BadRowError);
    expect(bad.sqlstate).toBe('23514');
    // Line 1 is the header.
    expect(bad.line).toBe(201);
    expect(bad.message).toContain(positive);
  });

  it('a malformed inet is refused by the converter with the server wording, on its line', async () => {
    const [binary] = await twinTables();
    const lines = csvLines(50);
    lines[9] = lines[9]!.replace(/^([^,]*,10,[^,]*,10,)[^,]*/, '$11.2.3.999');
    const csv = `${HEADER}\n${lines.join('\n')}\n`;
    const bad = await badRowOf(load({ ...via(url), table: binary, source: csv, format: 'csv' }));
    expect(bad.line).toBe(11);
    expect(bad.column).toBe('addr');
    expect(bad.message).toContain('invalid input syntax for type inet: "1.2.3.999"');
  });
});
