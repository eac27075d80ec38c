/**
 * Haul's type mapping against a real server, with postgres.js as the oracle. Each value is fetched
 * three ways: postgres.js's parsed result (the oracle), postgres.js's raw field bytes run through
 * Haul's decoders (the decoders alone), and Haul's own connection (the whole path). Where Haul maps
 * a value differently on purpose, the case states the expected value and why.
 */

import fc from 'fast-check';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/adapters/node.ts';
import { decodeArray } from '../src/types/arrays/text.ts';
import { ArrayOid, Oid } from '../src/types/oids.ts';
import { serializeParam } from '../src/types/params.ts';
import { TypeRegistry } from '../src/types/registry.ts';
import { decodeText } from '../src/types/text/text.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let sql: postgres.Sql;
let db: Awaited<ReturnType<typeof connect>>;
const registry = new TypeRegistry();

beforeAll(async () => {
  sql = postgres(url, { max: 1, onnotice: () => {} });
  db = await connect(url);
});

afterAll(async () => {
  await db?.close();
  await sql?.end();
});

/** postgres.js returns Buffer for bytea; Haul returns plain Uint8Array. Same bytes, compare those. */
function normalize(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(normalize);
  return value;
}

/** One column through postgres.js raw mode, decoded by Haul's registry from the very same bytes. */
async function decodedFromRawBytes(expression: string): Promise<unknown> {
  const result = await sql.unsafe(`select ${expression} as v`).raw();
  const field = (result[0] as unknown as (Uint8Array | null)[])[0];
  if (field === null || field === undefined) return null;
  return registry.decoder(result.columns[0]!.type)(field, 0, field.length);
}

async function viaHaul(expression: string, params?: unknown[]): Promise<unknown> {
  const result = await db.query(`select ${expression} as v`, params);
  return (result.rows[0] as Record<string, unknown>).v;
}

async function viaOracle(expression: string): Promise<unknown> {
  const rows = await sql.unsafe(`select ${expression} as v`);
  return normalize((rows[0] as Record<string, unknown>).v);
}

interface Case {
  expression: string;
  /** Haul's documented value where it departs from postgres.js; omitted: whatever postgres.js gives. */
  expected?: unknown;
}

const same = (expression: string): Case => ({ expression });
const differs = (expression: string, expected: unknown): Case => ({ expression, expected });

const utc = (text: string) => new Date(text);
/** A Date at a UTC instant whose year the Date constructor would otherwise shift (0–99) or reject. */
function utcYear(year: number, iso: string): Date {
  const date = new Date(`2000${iso}Z`);
  date.setUTCFullYear(year);
  return date;
}

const cases: Record<string, Case[]> = {
  integers: [
    same(`(-32768)::int2`),
    same(`32767::int2`),
    same(`(-2147483648)::int4`),
    same(`2147483647::int4`),
    same(`0::int4`),
    same(`4294967295::oid`),
    // int8 → bigint: exact over the whole range, where postgres.js returns a string.
    differs(`(-9223372036854775808)::int8`, -9223372036854775808n),
    differs(`9223372036854775807::int8`, 9223372036854775807n),
    differs(`0::int8`, 0n),
  ],
  numeric: [
    same(`'123456789012345678901234567890.123456789012345678901234567890'::numeric`),
    same(`'-0.000000000000000000000000000001'::numeric`),
    same(`'NaN'::numeric`),
    same(`'Infinity'::numeric`),
    same(`'-Infinity'::numeric`),
    same(`1.50::numeric(10,2)`),
    same(`'$1,234.56'::money`),
  ],
  floats: [
    same(`'NaN'::float8`),
    same(`'Infinity'::float8`),
    same(`'-Infinity'::float8`),
    same(`'-0'::float8`),
    same(`'-0'::float4`),
    same(`1.7976931348623157e308::float8`),
    same(`5e-324::float8`),
    same(`0.1::float8`),
    same(`1.1::float4`),
    same(`3.4028235e38::float4`),
    same(`'NaN'::float4`),
  ],
  'booleans, text and nulls': [
    same(`true`),
    same(`false`),
    same(`null::bool`),
    same(`''::text`),
    same(`null::text`),
    same(`'naïve café 日本語 😀'::text`),
    same(`chr(65279) || 'bom kept'`),
    same(`repeat('xyz', 10000)`),
    same(`'ab'::char(5)`),
    same(`'x'::"char"`),
    same(`'tbl'::name`),
    same(`'v'::varchar(3)`),
    same(`'<a>é</a>'::xml`),
    same(`'unknown literal'`),
  ],
  bytea: [same(`'\\xdeadbeef00'::bytea`), same(`''::bytea`), same(`decode(repeat('ff00', 5000), 'hex')`)],
  json: [
    same(`'{"a":"é","b":[1,2.5,null,true],"c":{"d":"😀"}}'::json`),
    same(`'{"a":"é","b":[1,2.5,null,true],"c":{"d":"😀"}}'::jsonb`),
    same(`'"\\u00e9\\ud83d\\ude00"'::jsonb`),
    same(`'null'::jsonb`),
    same(`'[]'::json`),
    same(`' {"spaces" : 1} '::json`),
  ],
  dates: [
    same(`'2024-01-15'::date`),
    same(`'1970-01-01'::date`),
    same(`'0001-01-01'::date`),
    // Always 00:00 UTC; postgres.js's new Date() reads a 5-digit year as local time instead.
    differs(`'10000-01-01'::date`, utcYear(10000, '-01-01T00:00:00')),
    // infinity → ±Infinity (as node-postgres); postgres.js gives Invalid Date.
    differs(`'infinity'::date`, Number.POSITIVE_INFINITY),
    differs(`'-infinity'::date`, Number.NEGATIVE_INFINITY),
    // BC → proleptic year ≤ 0 (44 BC is -43); postgres.js gives Invalid Date.
    differs(`'0044-03-15 BC'::date`, utcYear(-43, '-03-15T00:00:00')),
  ],
  timestamps: [
    same(`'2024-01-15 10:20:30.123456'::timestamp`),
    same(`'2000-02-29 23:59:59.999999'::timestamp`),
    same(`'1969-12-31 23:59:59.5'::timestamp`),
    differs(`'infinity'::timestamp`, Number.POSITIVE_INFINITY),
    // Year 1 stays year 1; postgres.js (new Date on this text) turns it into 2001.
    differs(
      `'0001-01-01 00:00:00'::timestamp`,
      (() => {
        const date = new Date(2000, 0, 1);
        date.setFullYear(1);
        return date;
      })(),
    ),
    same(`'2024-01-15 10:20:30.123456+05:30'::timestamptz`),
    same(`'1969-12-31 23:59:59.999999+00'::timestamptz`),
    same(`'2024-07-01 12:00:00-07'::timestamptz`),
    same(`'2024-01-15 10:20:30'::timestamptz`),
    differs(`'-infinity'::timestamptz`, Number.NEGATIVE_INFINITY),
    differs(`'0044-03-15 10:00:00+00 BC'::timestamptz`, utcYear(-43, '-03-15T10:00:00')),
  ],
  'other types as text': [
    same(`'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid`),
    same(`'1 year 2 mons 3 days 04:05:06.789'::interval`),
    same(`'-1 day'::interval`),
    same(`'10:20:30.123456'::time`),
    same(`'10:20:30+05:30'::timetz`),
    same(`'192.168.0.1/24'::inet`),
    same(`'::1'::inet`),
    same(`'10.0.0.0/8'::cidr`),
    same(`'08:00:2b:01:02:03'::macaddr`),
    same(`'(1,2)'::point`),
    same(`'((0,0),(1,1))'::box`),
    same(`B'1010'::bit(4)`),
    same(`B'101'::varbit`),
    same(`'a fat cat'::tsvector`),
    same(`'[1,5)'::int4range`),
    same(`'0/16B3748'::pg_lsn`),
  ],
  arrays: [
    same(`'{}'::int4[]`),
    same(`array[1,2,3]::int2[]`),
    same(`'{{1,2},{3,4}}'::int4[]`),
    same(`'{{{1},{2}},{{3},{4}}}'::int4[]`),
    // SQL NULL elements → null; postgres.js gives NaN for numbers and the string 'NULL' for text.
    differs(`array[1,null,3]::int4[]`, [1, null, 3]),
    differs(`array['a',null,'NULL']::text[]`, ['a', null, 'NULL']),
    differs(`'{{1,NULL},{NULL,4}}'::int4[]`, [
      [1, null],
      [null, 4],
    ]),
    // Bounds other than 1 are dropped; postgres.js wraps the elements in an extra array.
    differs(`'[0:2]={1,2,3}'::int4[]`, [1, 2, 3]),
    same(
      `array['', ' ', 'a b', 'x"y', 'a\\b', 'c,d', '{}', '{', '}', 'NULL ', 'null', 'é😀', e'tab\\there']::text[]`,
    ),
    same(`array[array['"', '\\'], array[',', '']]::text[]`),
    same(`array['a', 'b']::varchar[]`),
    same(`array['a', 'b']::char(2)[]`),
    same(`array['x'::name]`),
    differs(`array[1, -9223372036854775808]::int8[]`, [1n, -9223372036854775808n]),
    same(`array[true, false]::bool[]`),
    same(`array[1.5, 'NaN', 'Infinity', '-Infinity', '-0']::float8[]`),
    same(`array[1.1]::float4[]`),
    same(`array['1.10', 'NaN', '123456789012345678901234567890']::numeric[]`),
    same(`array['2024-01-15', '1970-01-01']::date[]`),
    same(`array['2024-01-15 10:20:30.5']::timestamp[]`),
    same(`array['2024-01-15 10:20:30.5+02']::timestamptz[]`),
    same(`array['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']::uuid[]`),
    same(`array['{"a":"é"}', '[1,"x"]']::jsonb[]`),
    same(`array['{"a":1}']::json[]`),
    same(`array['\\x0102'::bytea, '\\x'::bytea]`),
    same(`array['1 day'::interval]`),
    same(`array['10.0.0.1'::inet]`),
    same(`array['10.0.0.0/8'::cidr]`),
    same(`array[1, 2]::oid[]`),
    same(`array['x'::"char"]`),
    same(`'{"(1,1),(0,0)";"(3,3),(2,2)"}'::box[]`),
  ],
};

describe.each(Object.entries(cases))('%s', (_family, familyCases) => {
  it.each(familyCases)('$expression', async ({ expression, expected }) => {
    const want = expected === undefined ? await viaOracle(expression) : expected;
    expect(await decodedFromRawBytes(expression)).toEqual(want);
    expect(await viaHaul(expression)).toEqual(want);
  });
});

describe('documented departures from postgres.js are real departures', () => {
  // If postgres.js ever agrees with Haul on these, the "differs" cases above can become "same".
  it('postgres.js gives a string for int8 and Invalid Date for infinity', async () => {
    expect(await viaOracle(`1::int8`)).toBe('1');
    expect(Number.isNaN(((await viaOracle(`'infinity'::date`)) as Date).getTime())).toBe(true);
    expect(await viaOracle(`array[1,null]::int4[]`)).toEqual([1, Number.NaN]);
  });
});

describe('type OIDs', () => {
  it('match pg_type', async () => {
    const names = Object.keys(Oid);
    const rows = await sql<{ typname: string; oid: number; typarray: number }[]>`
      select typname, oid::int4 as oid, typarray::int4 as typarray from pg_catalog.pg_type
      where typnamespace = 'pg_catalog'::regnamespace and typname = any(${names})`;
    const catalog = new Map(rows.map((row) => [row.typname, row]));
    for (const name of names) {
      const row = catalog.get(name);
      // Types newer than the server (multiranges in 14, xid8 in 13) are absent, not wrong.
      if (row === undefined) continue;
      expect([name, Oid[name as keyof typeof Oid]]).toEqual([name, row.oid]);
      const arrayOid = (ArrayOid as Partial<Record<string, number>>)[name];
      expect([name, arrayOid ?? 0]).toEqual([name, row.typarray]);
    }
  });
});

describe('parameters', () => {
  const roundTrips: [string, unknown][] = [
    ['text', 'x"y\\z {a,b} NULL'],
    ['text', ''],
    ['text', 'naïve 日本語 😀'],
    ['int4', -2147483648],
    ['int8', 9223372036854775807n],
    ['float8', Number.NaN],
    ['float8', Number.NEGATIVE_INFINITY],
    ['float8', -0],
    ['float8', 0.1],
    ['bool', true],
    ['bytea', new Uint8Array([0, 1, 0xfe, 0xff])],
    ['jsonb', { a: 'é', b: [1, null, true], c: { d: '\u0001' } }],
    ['timestamptz', utc('2024-01-15T10:20:30.123Z')],
    ['timestamptz', utcYear(-43, '-03-15T10:00:00')],
    ['timestamptz', utcYear(1, '-01-01T00:00:00')],
    ['date', utc('2024-01-15T00:00:00Z')],
    ['int4[]', [1, null, 3]],
    [
      'int4[]',
      [
        [1, 2],
        [3, null],
      ],
    ],
    ['int4[]', []],
    ['text[]', ['', 'NULL', null, 'x"y', 'a\\b', 'c,d', '{}', ' pad ', 'é']],
    ['bool[]', [true, false, null]],
    ['int8[]', [1n, null]],
    ['bytea[]', [new Uint8Array([1, 2]), null]],
    // A JS array inside an array is always another dimension, so JSON arrays as elements of json[]
    // are passed pre-stringified; objects are serialized as JSON.
    ['jsonb[]', [{ a: 1 }, { b: ['x'] }, null]],
    ['float8[]', [Number.NaN, Number.POSITIVE_INFINITY, -0]],
  ];

  it.each(roundTrips)('%s %o comes back equal', async (type, value) => {
    expect(await viaHaul(`$1::${type}`, [value])).toEqual(value);
  });

  it('numbers to numeric keep their text', async () => {
    expect(await viaHaul(`$1::numeric`, [0.1])).toBe('0.1');
    expect(await viaHaul(`$1::numeric`, [123456789012345678901234567890n])).toBe(
      '123456789012345678901234567890',
    );
  });
});

describe('array literals against the server', () => {
  // Rectangular (the server rejects ragged arrays) nested arrays of any text without NUL, and nulls.
  const element = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }).filter((text) => !text.includes('\0')),
    fc.constantFrom('NULL', 'null', '', ' ', '"', '\\', '{', '}', ',', '\\"', 'a b'),
    fc.constant(null),
  );
  const shape = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 });
  const rectangular = shape.chain((dims) => fill(dims));
  function fill(dims: number[]): fc.Arbitrary<unknown[]> {
    const [size, ...rest] = dims as [number, ...number[]];
    const item = rest.length === 0 ? element : fill(rest);
    return fc.array(item as fc.Arbitrary<unknown>, { minLength: size, maxLength: size });
  }

  it('the server reads serializeParam output as the same array', async () => {
    await fc.assert(
      fc.asyncProperty(rectangular, async (value) => {
        const literal = serializeParam(value, 1)!;
        // array_to_json shows the server's reading without going through any array parser of ours.
        const [row] = await sql.unsafe('select array_to_json($1::text[]) as v', [literal]);
        expect(row!.v).toEqual(value);
      }),
      { numRuns: 100 },
    );
  });

  it('Haul parses the server’s own output for any such array', async () => {
    await fc.assert(
      fc.asyncProperty(rectangular, async (value) => {
        // The server re-quotes on output (bare words, NULL, escapes of its choosing): parse that.
        const [row] = await sql.unsafe('select $1::text[]::text as v', [serializeParam(value, 1)!]);
        const bytes = new TextEncoder().encode(row!.v as string);
        expect(decodeArray(bytes, 0, bytes.length, decodeText)).toEqual(value);
        expect(await decodedFromRawBytes(`'${(row!.v as string).replaceAll("'", "''")}'::text[]`)).toEqual(
          value,
        );
      }),
      { numRuns: 100 },
    );
  });
});
