/**
 * POST /v1/sql loses nothing between the server and the JSON, either way, with the server as the
 * oracle: every value returned compares exactly with the server's own text for it (NaN and infinities
 * never null, int8 and numeric exact, json numbers as the server wrote them, dates with microseconds
 * and years a JS Date cannot hold), and parameters reach the server exactly as written in the body
 * (9007199254740993, 0.1000000000000000000001, a jsonb object's big numbers). Also: the result caps'
 * 413 (which statement, which limit, every statement's result), the JSON body cap, and bodies that
 * are not UTF-8 or hold lone surrogates. The Node entry, with small caps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { type NodeServer, startNodeServer } from '../../src/entries/node.ts';
import { parseJsonExact, stringifyExact } from '../../src/http/exact-json.ts';

const targets = databaseTargets();
const target = targets.find((x) => x.name.endsWith('-service')) ?? targets[0]!;
const TOKEN = 'test-token.sql-json';

interface Result {
  ok: boolean;
  rows?: Record<string, unknown>[];
  error?: { message: string; sqlstate?: string; statement?: number; limit?: string; max?: number };
}

interface Answer {
  results: Result[];
  error?: Result['error'];
}

describe(`/v1/sql JSON (${target.name})`, () => {
  let server: NodeServer;
  beforeAll(async () => {
    server = await startNodeServer({
      port: 0,
      env: {
        DATABASE_URL: target.url,
        HAUL_TOKEN: TOKEN,
        HAUL_SQL_MAX_ROWS: '1000',
        HAUL_SQL_MAX_BYTES: '100000',
        HAUL_SQL_MAX_BODY_BYTES: '65536',
      },
    });
  });
  afterAll(() => server?.close());

  const post = (body: BodyInit) =>
    fetch(`${server.url}/v1/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body,
    });
  /** The answer's text, and its value as read with numbers kept exact (JsonNumber). */
  const run = async (body: string) => {
    const res = await post(body);
    const text = await res.text();
    return {
      status: res.status,
      text,
      value: parseJsonExact(text) as { results: Result[]; error?: Result['error'] },
    };
  };
  const statements = (list: { sql: string; params?: unknown[] }[]) => JSON.stringify({ statements: list });

  describe('results', () => {
    // Each expression comes back as `v` next to the server's own text for it, `t`.
    const cases: [string, (v: unknown, t: string) => void][] = [
      ["'NaN'::float8", (v) => expect(v).toBe('NaN')],
      ["'Infinity'::float8", (v) => expect(v).toBe('Infinity')],
      ["'-Infinity'::float4", (v) => expect(v).toBe('-Infinity')],
      ["'-0'::float8", (v, t) => expect([stringifyExact(v), t]).toEqual(['-0', '-0'])],
      ['0.1::float8 + 0.2::float8', (v, t) => expect(Number(stringifyExact(v))).toBe(Number(t))],
      ["'1.7976931348623157e308'::float8", (v, t) => expect(Number(stringifyExact(v))).toBe(Number(t))],
      ["'infinity'::numeric", (v, t) => expect(v).toBe(t)],
      ["'NaN'::numeric", (v, t) => expect(v).toBe(t)],
      ['1e400::numeric', (v, t) => expect(v).toBe(t)],
      ['9007199254740993::int8', (v, t) => expect(v).toBe(t)],
      ["'2024-01-15 10:20:30.123456'::timestamp", (v, t) => expect(v).toBe(t)],
      ["'2024-01-15 10:20:30.123456+02'::timestamptz", (v, t) => expect(v).toBe(t)],
      ["'294276-12-31'::date", (v, t) => expect(v).toBe(t)],
      ["'4713-01-01 BC'::date", (v, t) => expect(v).toBe(t)],
      ["'infinity'::timestamptz", (v, t) => expect(v).toBe(t)],
      ["array['NaN', '1.5', null]::float8[]", (v) => expect(stringifyExact(v)).toBe('["NaN",1.5,null]')],
      // json/jsonb: the server's text itself, numbers and all.
      [
        '\'{"a": 9007199254740993, "b": 1e999, "c": 1.10}\'::jsonb',
        (v, t) => expect(stringifyExact(v)).toBe(t.replaceAll(' ', '')),
      ],
      ["'[9007199254740993, 1.10]'::json", (v, t) => expect(stringifyExact(v)).toBe(t.replaceAll(' ', ''))],
    ];

    it.each(cases)('%s', async (expression, check) => {
      const { status, text, value } = await run(
        statements([{ sql: `select ${expression} as v, (${expression})::text as t` }]),
      );
      expect(status, text).toBe(200);
      const row = value.results[0]!.rows![0]!;
      check(row['v'], row['t'] as string);
    });

    it('json text is embedded exactly as the server wrote it', async () => {
      const { text, value } = await run(
        statements([
          {
            sql: `select '{"a": 9007199254740993, "b": 1e999}'::jsonb as v, ('{"a": 9007199254740993, "b": 1e999}'::jsonb)::text as t`,
          },
        ]),
      );
      const t = value.results[0]!.rows![0]!['t'] as string;
      expect(text).toContain(`"v":${t}`);
    });

    it('NULL is null and NaN is not', async () => {
      const { value } = await run(statements([{ sql: "select null::float8 as a, 'NaN'::float8 as b" }]));
      expect(value.results[0]!.rows).toEqual([{ a: null, b: 'NaN' }]);
    });
  });

  describe('parameters', () => {
    it('numbers a double cannot hold reach the server exactly', async () => {
      const body =
        '{"statements":[{"sql":"select $1::int8::text as a, $2::numeric::text as b, $3::numeric::text as c, $4::int4 as d, $5::int4 as e",' +
        '"params":[9007199254740993, 0.1000000000000000000001, 1e400, 1.0, 1e3]}]}';
      const { status, text, value } = await run(body);
      expect(status, text).toBe(200);
      expect(value.results[0]!.rows![0]).toMatchObject({
        a: '9007199254740993',
        b: '0.1000000000000000000001',
        c: `1${'0'.repeat(400)}`,
      });
      expect(stringifyExact(value.results[0]!.rows![0]!['d'])).toBe('1');
      expect(stringifyExact(value.results[0]!.rows![0]!['e'])).toBe('1000');
    });

    it('a jsonb object parameter keeps its numbers', async () => {
      const body =
        '{"statements":[{"sql":"select $1::jsonb::text as t","params":[{"id": 9007199254740993, "x": [1.10, 1e999]}]}]}';
      const { value } = await run(body);
      expect(value.results[0]!.rows![0]!['t']).toBe(
        `{"x": [1.10, 1${'0'.repeat(999)}], "id": 9007199254740993}`,
      );
    });

    it('an int8 array element past 2^53 stays exact', async () => {
      const body = '{"statements":[{"sql":"select $1::int8[]::text as t","params":[[9007199254740993, 1]]}]}';
      const { value } = await run(body);
      expect(value.results[0]!.rows![0]!['t']).toBe('{9007199254740993,1}');
    });

    it('a number no double holds is refused by a float8 column, not turned into Infinity', async () => {
      const { value } = await run('{"statements":[{"sql":"select $1::float8 as v","params":[1e999]}]}');
      expect(value.results[0]).toMatchObject({ ok: false, error: { sqlstate: '22003' } });
    });

    it('400 for a lone surrogate, naming where', async () => {
      const res = await post('{"statements":[{"sql":"select $1::text","params":["ok", "\\ud800"]}]}');
      expect(res.status).toBe(400);
      expect(((await res.json()) as Result).error?.message).toMatch(
        /statements\[0\]\.params\[1\].*surrogate/,
      );
      const sqlText = await post('{"statements":[{"sql":"select \'\\udc00\'"}]}');
      expect(sqlText.status).toBe(400);
      expect(((await sqlText.json()) as Result).error?.message).toMatch(/statements\[0\]\.sql/);
    });

    it('400 for a body that is not UTF-8', async () => {
      const bytes = new TextEncoder().encode('{"statements":[{"sql":"select \'xx\'"}]}');
      bytes[bytes.indexOf(0x78)] = 0xff;
      const res = await post(bytes);
      expect(res.status).toBe(400);
      expect(((await res.json()) as Result).error?.message).toMatch(/not valid UTF-8/);
    });

    it('413 for a body over HAUL_SQL_MAX_BODY_BYTES', async () => {
      const res = await post(statements([{ sql: `select '${'x'.repeat(70_000)}'` }]));
      expect(res.status).toBe(413);
      expect(((await res.json()) as Result).error?.message).toMatch(
        /65536-byte limit \(HAUL_SQL_MAX_BODY_BYTES\)/,
      );
    });
  });

  describe('result caps', () => {
    it('413 naming the statement and the row cap; the other statements keep their results', async () => {
      const { status, text } = await run(
        statements([
          { sql: 'select g from generate_series(1, 600) g' },
          { sql: 'select g from generate_series(1, 600) g' },
          { sql: 'select 1 as one' },
        ]),
      );
      expect(status).toBe(413);
      const value = JSON.parse(text) as Answer;
      expect(value.error).toMatchObject({ statement: 1, limit: 'rows', max: 1000 });
      expect(value.error?.message).toMatch(/^statements\[1\]: .*1000 rows \(HAUL_SQL_MAX_ROWS\)/);
      expect(value.results.map((r) => r.ok)).toEqual([true, false, true]);
      expect(value.results[0]!.rows).toHaveLength(600);
      expect(value.results[1]!.error).toMatchObject({ statement: 1, limit: 'rows', max: 1000 });
    });

    it('413 for the byte cap', async () => {
      const { status, text } = await run(
        statements([{ sql: "select repeat('x', 1000) from generate_series(1, 200)" }]),
      );
      expect(status).toBe(413);
      const value = JSON.parse(text) as Answer;
      expect(value.error).toMatchObject({ statement: 0, limit: 'bytes', max: 100_000 });
      expect(value.error?.message).toMatch(/100000 bytes of row data \(HAUL_SQL_MAX_BYTES\)/);
    });

    it('a result within both caps is a 200', async () => {
      const { status, text } = await run(statements([{ sql: 'select g from generate_series(1, 1000) g' }]));
      expect(status).toBe(200);
      const value = JSON.parse(text) as Answer;
      expect(value.results[0]!.rows).toHaveLength(1000);
    });
  });
});
