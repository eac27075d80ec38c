/**
 * JSON values arrive exactly: numbers keep every digit (9007199254740993, 1e999, -0, 1.0E+2) into
 * jsonb, json, numeric, int8, float8 and text alike, nested values keep their bytes, strings into jsonb
 * stay strings; escapes and bytes PostgreSQL refuses (an unpaired surrogate, \u0000, invalid UTF-8)
 * are bad rows that name their line. The oracle is the server: `json_populate_record` of the same line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import type { LoadOptions, RejectedRow } from '../../src/api.ts';
import { type BadRowError, LoadFailedError } from '../../src/errors.ts';
import { exportRows } from '../../src/export/export.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, uniqueName, via } from '../support/database.ts';

const COLUMNS = 'id int, n numeric, i int8, f float8, j jsonb, js json, t text, b bool, a int8[]';
const TEXT = 'id, n::text, i::text, f::text, j::text, js::text, t, b::text, a::text';

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  async function table(columns = COLUMNS): Promise<string> {
    const name = uniqueName('json_values');
    await admin.unsafe(`create table ${name} (${columns})`);
    return name;
  }

  const stored = (name: string) =>
    admin.unsafe(`select ${TEXT} from ${name} order by id`).then((rows) => rows.map((r) => ({ ...r })));

  /** What the server makes of each line: its row, or null where it refuses the line. */
  async function oracle(lines: readonly string[]): Promise<(Record<string, unknown> | null)[]> {
    const name = await table();
    const out: (Record<string, unknown> | null)[] = [];
    for (const line of lines) {
      try {
        const [row] = await admin.unsafe(
          `with r as (select * from json_populate_record(null::${name}, $1::text::json)) select ${TEXT} from r`,
          [line],
        );
        out.push({ ...row });
      } catch {
        out.push(null);
      }
    }
    return out;
  }

  async function failure(options: LoadOptions): Promise<BadRowError> {
    const error = await load(options).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoadFailedError);
    expect((error as LoadFailedError).rolledBack).toBe(true);
    return (error as LoadFailedError).cause as BadRowError;
  }

  const NUMBERS = [
    '{"id":1,"n":9007199254740993,"i":9007199254740993,"f":9007199254740993,"j":9007199254740993,"js":9007199254740993,"t":9007199254740993}',
    '{"id":2,"n":1e999,"j":1e999,"js":1e999,"t":1e999}',
    '{"id":3,"n":-0,"i":-0,"f":-0,"j":-0,"js":-0,"t":-0}',
    '{"id":4,"n":1.0E+2,"f":1.0E+2,"j":1.0E+2,"js":1.0E+2,"t":1.0E+2}',
    '{"id":5,"n":0.1000000000000000000000000001,"f":0.1000000000000000000000000001,"j":[0.1000000000000000000000000001, 1e-400],"t":-12.50}',
    '{"id":6,"j":{ "k" : [1.50, {"deep": 123456789012345678901234567890}] },"js":{ "k" : 1.50 },"t":{ "k" : 1.50 }}',
    '{"id":7,"j":"123","js":"a\\u00e9\\/","t":"a\\u00e9\\n","b":1,"a":[1,null,9007199254740993]}',
    '{"id":8,"b":true,"t":false,"j":true,"js":null}',
  ];

  for (const copyFormat of ['binary', 'text'] as const) {
    it(`${copyFormat} COPY: every number, nested value and string as the server reads the same line`, async () => {
      const expected = await oracle(NUMBERS);
      expect(expected.every((row) => row !== null)).toBe(true);
      const name = await table();
      const report = await load({
        ...via(url),
        table: name,
        source: `${NUMBERS.join('\n')}\n`,
        format: 'ndjson',
        copyFormat,
      });
      expect(report).toMatchObject({ rows: NUMBERS.length, copyFormat });
      const rows = await stored(name);
      expect(rows).toEqual(expected);
      // Spelled out, for the cases JSON.parse got wrong:
      expect(rows[0]).toMatchObject({ n: '9007199254740993', i: '9007199254740993', j: '9007199254740993' });
      expect(rows[1]!.j).toBe(`1${'0'.repeat(999)}`);
      expect(rows[2]).toMatchObject({ f: '-0', t: '-0', js: '-0' });
      expect(rows[3]).toMatchObject({ n: '100', t: '1.0E+2', js: '1.0E+2' });
      expect(rows[5]).toMatchObject({ js: '{ "k" : 1.50 }', t: '{ "k" : 1.50 }' });
      expect(rows[6]).toMatchObject({ j: '"123"', a: '{1,NULL,9007199254740993}' });
    });
  }

  it('an NDJSON export loads back exactly: int8 extremes, huge numerics, float specials and -0, jsonb numbers', async () => {
    const columns = 'id int, i int8, n numeric, f float8, j jsonb, js json';
    const source = await table(columns);
    await admin.unsafe(`insert into ${source} values
      (1, 9223372036854775807, 1e999, 'NaN', '{"x": 9007199254740993, "y": 1e999}', '{ "k" : 1.0E+2 }'),
      (2, -9223372036854775808, '-0.000000000000000000000000000001', '-0', '[1.0E+2, -0]', '"é"'),
      (3, 9007199254740993, 'Infinity', '-Infinity', '"NaN"', '[1e999, {}]'),
      (4, null, 'NaN', 1e308, null, null)`);
    // Not here, as row_to_json cannot tell them apart or keep their spelling: a jsonb/json 'null'
    // document (exported as null, which loads as SQL NULL) and escapes in a json string ("\\u00e9" → "é").
    const chunks: Uint8Array[] = [];
    const reader = exportRows({ ...via(url), table: source, format: 'ndjson' }).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    const copy = await table(columns);
    const report = await load({ ...via(url), table: copy, source: Buffer.concat(chunks), format: 'ndjson' });
    expect(report.rows).toBe(4);
    const all = (name: string) =>
      admin.unsafe(`select t::text as row from ${name} t order by id`).then((rows) => rows.map((r) => r.row));
    expect(await all(copy)).toEqual(await all(source));
  });

  it('a JSON array of objects takes the same path', async () => {
    const name = await table();
    await load({ ...via(url), table: name, source: `[${NUMBERS.join(',\n')}]`, format: 'json' });
    expect(await stored(name)).toEqual(await oracle(NUMBERS));
  });

  it('a number a column cannot take is a bad row naming the number as written', async () => {
    const name = await table();
    const error = await failure({
      ...via(url),
      table: name,
      source: '{"id":1,"i":1}\n{"id":2,"i":9223372036854775808}\n',
      format: 'ndjson',
    });
    expect(error).toMatchObject({ line: 2, column: 'i', value: '9223372036854775808' });
    const float = await failure({
      ...via(url),
      table: name,
      source: '{"id":1,"f":1e999}\n',
      format: 'ndjson',
    });
    expect(float).toMatchObject({ line: 1, column: 'f', value: '1e999' });
    expect(await stored(name)).toEqual([]);
  });

  it('an unpaired surrogate or \\u0000 escape is a bad row as the server has it; abort commits nothing, reject loads the rest', async () => {
    const lines = [
      '{"id":1,"t":"ok"}',
      '{"id":2,"t":"a\\ud800b"}',
      '{"id":3,"j":{"x":"\\udc00"}}',
      '{"id":4,"js":"\\u0000"}',
      '{"id":5,"t":"\\ud83d\\ude00"}',
    ];
    const expected = await oracle(lines);
    expect(expected.map((row) => row !== null)).toEqual([true, false, false, false, true]);
    const name = await table();
    const source = `${lines.join('\n')}\n`;
    const error = await failure({ ...via(url), table: name, source, format: 'ndjson' });
    expect(error).toMatchObject({ line: 2, sqlstate: '22P02' });
    expect(error.message).toMatch(
      /^line 2, character 15: .*Unicode low surrogate must follow a high surrogate/,
    );
    expect(await stored(name)).toEqual([]);

    const rejects: RejectedRow[] = [];
    const report = await load({
      ...via(url),
      table: name,
      source,
      format: 'ndjson',
      onError: 'reject',
      onReject: (row) => void rejects.push(row),
    });
    expect(report).toMatchObject({ rows: 2, rejected: 3 });
    expect(rejects.map((r) => [r.line, r.sqlstate])).toEqual([
      [2, '22P02'],
      [3, '22P02'],
      [4, '22P05'],
    ]);
    expect(await stored(name)).toEqual(expected.filter((row) => row !== null));
  });

  it('a lone surrogate in a string in memory is a bad row naming the column, not a silent U+FFFD', async () => {
    for (const copyFormat of ['binary', 'text'] as const) {
      const name = await table('id int, t text, j jsonb');
      const error = await failure({
        ...via(url),
        table: name,
        source: [
          { id: 1, t: 'fine' },
          { id: 2, t: 'x\ud800' },
        ],
        copyFormat,
      });
      expect(error).toMatchObject({ line: 2, column: 't', sqlstate: '22P02' });
      expect(error.message).toMatch(/lone UTF-16 surrogate \(\\ud800 without its pair\)/);
      expect(await admin.unsafe(`select count(*)::int as n from ${name}`)).toEqual([{ n: 0 }]);
    }
  });

  it('a line that is not UTF-8 is a bad row naming its line and bytes (22021), in abort and reject mode', async () => {
    const name = await table();
    const encode = (text: string) => new TextEncoder().encode(text);
    const source = new Uint8Array([
      ...encode('{"id":1,"t":"a"}\n{"id":2,"t":"'),
      0xc3,
      0x28,
      ...encode('"}\n{"id":3,"t":"é"}\n'),
    ]);
    const error = await failure({ ...via(url), table: name, source, format: 'ndjson' });
    expect(error).toMatchObject({ line: 2, sqlstate: '22021' });
    expect(error.message).toBe('line 2: invalid byte sequence for encoding "UTF8": 0xc3 0x28');
    expect(await stored(name)).toEqual([]);
    // The server says the same of the same bytes in a text COPY.
    const server = await admin
      .unsafe(`select convert_from($1::bytea, 'UTF8')`, [Buffer.from([0x61, 0xc3, 0x28])])
      .catch((e: { code?: string; message: string }) => e);
    expect(server).toMatchObject({
      code: '22021',
      message: 'invalid byte sequence for encoding "UTF8": 0xc3 0x28',
    });

    const rejects: RejectedRow[] = [];
    const report = await load({
      ...via(url),
      table: name,
      source,
      format: 'ndjson',
      onError: 'reject',
      onReject: (row) => void rejects.push(row),
    });
    expect(report).toMatchObject({ rows: 2, rejected: 1 });
    expect(rejects).toMatchObject([{ line: 2, sqlstate: '22021', text: '{"id":2,"t":"\ufffd("}' }]);
    expect((await stored(name)).map((row) => row.t)).toEqual(['a', 'é']);
  });
});
