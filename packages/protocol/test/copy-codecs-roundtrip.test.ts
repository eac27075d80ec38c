/**
 * The binary codecs against a real server, with postgres.js as the transport and the oracle (Haul's
 * own COPY API is not needed): rows encoded by BinaryCopyEncoder go in through postgres.js's raw
 * COPY FROM STDIN; the server's text for them must equal its text for the same values written as SQL
 * literals; the server's own COPY TO (FORMAT binary) bytes must equal ours; and BinaryCopyDecoder must
 * read those bytes to the values Haul's text decoders give for the same column.
 */

import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinaryCopyDecoder } from '../src/copy/binary-decoder.ts';
import { BinaryCopyEncoder, type CopyColumn } from '../src/copy/binary-encoder.ts';
import {
  dateStringCodec,
  timestampStringCodec,
  timestamptzStringCodec,
} from '../src/types/datetime/index.ts';
import { TypeRegistry } from '../src/types/registry.ts';
import type { BinaryCodec } from '../src/types/shared/codec.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PREFIX = `copy_codecs_${process.pid}_`;

/** A session in a zone with DST and a half-hour-free offset, so timestamptz text carries offsets. */
let sql: postgres.Sql;
/** A session in UTC, for comparing timestamptz text with our own printing. */
let utc: postgres.Sql;
let registry: TypeRegistry;
let serverVersion = 0;
let hasCitext = false;
const textDecoders = new TypeRegistry();
let tables = 0;

beforeAll(async () => {
  sql = postgres(url, { max: 1, onnotice: () => {}, connection: { TimeZone: 'America/New_York' } });
  utc = postgres(url, { max: 1, onnotice: () => {}, connection: { TimeZone: 'UTC' } });
  serverVersion = Number((await sql`select current_setting('server_version_num') as v`)[0]!.v);
  try {
    await sql`create extension if not exists citext`;
  } catch {
    // Another test file may be creating it at the same moment; it exists either way, or is not available.
  }
  hasCitext = (await sql`select 1 from pg_type where typname = 'citext'`).length > 0;
  await sql.unsafe(
    `drop type if exists ${PREFIX}mood cascade; create type ${PREFIX}mood as enum ('sad', 'ok', 'happy')`,
  );
  registry = new TypeRegistry();
  for (const name of [`${PREFIX}mood`, ...(hasCitext ? ['citext'] : [])]) {
    const [row] = await sql`select oid, typarray from pg_type where typname = ${name}`;
    registry.registerTextType(name, Number(row!.oid), { arrayOid: Number(row!.typarray) });
    // Haul's text path decodes unknown scalars as text, but needs to be told an array's element type.
    textDecoders.registerArray(Number(row!.typarray), Number(row!.oid));
  }
});

afterAll(async () => {
  if (sql) {
    for (let i = 0; i < tables; i++) await sql.unsafe(`drop table if exists ${PREFIX}${i}`);
    await sql.unsafe(`drop type if exists ${PREFIX}mood cascade`);
  }
  await sql?.end();
  await utc?.end();
});

/** The CopyData payloads of the encoder's messages (postgres.js frames them again itself). */
function payloads(chunks: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const chunk of chunks) {
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let at = 0; at < chunk.length; at += 1 + view.getInt32(at + 1)) {
      expect(chunk[at]).toBe(0x64);
      out.push(chunk.subarray(at + 5, at + 1 + view.getInt32(at + 1)));
    }
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Creates a table (id int4, v `type`) and COPYs `values` into it through our encoder. */
async function copyIn(
  type: string,
  values: unknown[],
  codec?: BinaryCodec,
): Promise<{ table: string; sent: Uint8Array }> {
  const table = `${PREFIX}${tables++}`;
  await sql.unsafe(`create table ${table} (id int4, v ${type})`);
  const columns: CopyColumn[] = [
    { name: 'id', type: 'int4' },
    { name: 'v', type: codec ?? type },
  ];
  const encoder = new BinaryCopyEncoder(columns, { registry });
  const chunks: Uint8Array[] = [];
  values.forEach((value, i) => {
    encoder.writeRow([i, value]);
    const frames = encoder.takeFrames();
    if (frames) chunks.push(frames);
  });
  chunks.push(encoder.finish());
  const sent = payloads(chunks);
  const writable: Writable = await sql.unsafe(`copy ${table} (id, v) from stdin (format binary)`).writable();
  await pipeline(Readable.from(sent.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))), writable);
  return { table, sent: concat(sent) };
}

/**
 * The server's COPY TO (FORMAT binary) output for the table, chunk by chunk as it arrived, in the
 * session's time zone. Each COPY TO gets a connection of its own, closed afterwards: postgres.js 3.4
 * can leave a connection's socket paused after a COPY TO readable ends (seen with CopyData over 16 KiB,
 * and under load), and any later query on it would never complete.
 */
async function copyOut(timeZone: string, table: string): Promise<Uint8Array[]> {
  const session = postgres(url, { max: 1, onnotice: () => {}, connection: { TimeZone: timeZone } });
  try {
    const readable = await session
      .unsafe(`copy (select id, v from ${table} order by id) to stdout (format binary)`)
      .readable();
    const chunks: Uint8Array[] = [];
    await new Promise<void>((resolve, reject) => {
      readable.on('data', (chunk: Buffer) => chunks.push(new Uint8Array(chunk)));
      readable.on('end', resolve);
      readable.on('error', reject);
    });
    return chunks;
  } finally {
    await session.end({ timeout: 0 });
  }
}

/** The server's output-function text of each value (format's %s; `::text` would add inet's /32). */
async function serverTexts(session: postgres.Sql, table: string): Promise<(string | null)[]> {
  const rows = await session.unsafe(
    `select case when v is null then null else format('%s', v) end as v from ${table} order by id`,
  );
  return rows.map((row) => row.v as string | null);
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

interface Case {
  /** The column's SQL type. */
  type: string;
  /** [value for the encoder, the same value as SQL literal text (null: NULL)] */
  values: [unknown, string | null][];
  /** Where the server's COPY TO bytes legitimately differ from ours (e.g. jsonb is normalised). */
  bytesDiffer?: string;
  /** Expected decoded values when Haul's text path maps the type differently (interval). */
  decoded?: unknown[];
  /** float4: binary gives the float32's exact value, text the shortest decimal; compare as float32. */
  asFloat32?: boolean;
  minVersion?: number;
}

const MIB_TEXT = 'ab€😀\n'.repeat(Math.ceil((1 << 20) / 10)).slice(0, 1 << 20);
const DIGITS_1000 = '9'.repeat(1000);
const NUMERIC_SCALED = `-${'1234567890'.repeat(50)}.${'0987654321'.repeat(50)}`;
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

const cases: Case[] = [
  {
    type: 'int2',
    values: [
      [-32768, '-32768'],
      [32767, '32767'],
      [0, '0'],
      [null, null],
    ],
  },
  {
    type: 'int4',
    values: [
      [-2147483648, '-2147483648'],
      [2147483647, '2147483647'],
      ['42', '42'],
    ],
  },
  {
    type: 'int8',
    values: [
      [-(2n ** 63n), '-9223372036854775808'],
      [2n ** 63n - 1n, '9223372036854775807'],
      [Number.MAX_SAFE_INTEGER, '9007199254740991'],
      [-1, '-1'],
      ['-4294967296', '-4294967296'],
    ],
  },
  {
    type: 'float4',
    asFloat32: true,
    values: [
      [0.1, '0.1'],
      [-0, '-0'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
      [3.4028234663852886e38, '3.4028235e+38'],
      [1e-45, '1e-45'],
      [16777217, '16777216'],
    ],
  },
  {
    type: 'float8',
    values: [
      [-0, '-0'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
      [5e-324, '5e-324'],
      [Number.MAX_VALUE, '1.7976931348623157e+308'],
      [0.1, '0.1'],
    ],
  },
  {
    type: 'numeric',
    values: [
      [DIGITS_1000, DIGITS_1000],
      [NUMERIC_SCALED, NUMERIC_SCALED],
      ['123.4500', '123.4500'],
      ['-0.000001', '-0.000001'],
      ['0.000', '0.000'],
      ['NaN', 'NaN'],
      [12345.678, '12345.678'],
      [2n ** 200n, String(2n ** 200n)],
      ['1e-1000', `0.${'0'.repeat(999)}1`],
    ],
  },
  {
    type: 'numeric',
    minVersion: 140000,
    bytesDiffer: 'the server sends ±Infinity with a leftover dscale of 32',
    values: [
      ['Infinity', 'Infinity'],
      ['-Infinity', '-Infinity'],
    ],
  },
  {
    type: 'numeric(10,2)',
    values: [
      ['3.14159', '3.14'],
      [2.5, '2.50'],
    ],
    bytesDiffer: 'the server applies the typmod',
  },
  {
    type: 'text',
    values: [
      ['', ''],
      [null, null],
      ['héllo 😀 \\ \t "quoted"', 'héllo 😀 \\ \t "quoted"'],
      [MIB_TEXT, MIB_TEXT],
    ],
  },
  { type: 'varchar(20)', values: [['abc', 'abc']] },
  {
    type: 'character(5)',
    values: [
      ['ab', 'ab'],
      ['abcde', 'abcde'],
    ],
    bytesDiffer: 'the server pads to the length',
  },
  { type: 'name', values: [['pg_catalog', 'pg_catalog']] },
  {
    type: `${PREFIX}mood`,
    values: [
      ['happy', 'happy'],
      ['sad', 'sad'],
    ],
  },
  { type: `${PREFIX}mood[]`, values: [[['ok', null], '{ok,NULL}']] },
  {
    type: 'bool',
    values: [
      [true, 'true'],
      [false, 'false'],
      ['yes', 'true'],
    ],
  },
  {
    type: 'bytea',
    values: [
      [new Uint8Array(0), '\\x'],
      [ALL_BYTES, `\\x${Buffer.from(ALL_BYTES).toString('hex')}`],
    ],
  },
  {
    type: 'uuid',
    values: [
      ['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
      ['ffffffffffffffffffffffffffffffff', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
    ],
  },
  {
    type: 'date',
    values: [
      ['4714-11-24 BC', '4714-11-24 BC'],
      ['5874897-12-31', '5874897-12-31'],
      ['infinity', 'infinity'],
      [Number.NEGATIVE_INFINITY, '-infinity'],
      [new Date(Date.UTC(2024, 1, 29, 23, 59)), '2024-02-29'],
      ['0001-01-01 BC', '0001-01-01 BC'],
    ],
  },
  {
    type: 'time',
    values: [
      ['00:00:00', '00:00:00'],
      ['23:59:59.999999', '23:59:59.999999'],
      ['24:00:00', '24:00:00'],
      ['12:34:56.5', '12:34:56.5'],
    ],
  },
  {
    type: 'timestamp',
    values: [
      ['4714-11-24 00:00:00 BC', '4714-11-24 00:00:00 BC'],
      ['294276-12-31 23:59:59.999999', '294276-12-31 23:59:59.999999'],
      ['infinity', 'infinity'],
      ['-infinity', '-infinity'],
      ['2024-03-10 02:30:00.123456', '2024-03-10 02:30:00.123456'],
      [new Date(Date.UTC(2024, 0, 15, 10, 20, 30, 123)), '2024-01-15 10:20:30.123'],
      ['0099-06-01 12:00:00', '0099-06-01 12:00:00'],
    ],
  },
  {
    type: 'timestamptz',
    values: [
      // Around the 2024 US and EU DST changes, to the µs.
      ['2024-03-10T06:59:59.999999Z', '2024-03-10 06:59:59.999999+00'],
      ['2024-03-10T07:00:00.000001Z', '2024-03-10 07:00:00.000001+00'],
      ['2024-11-03 01:30:00.5-04', '2024-11-03 01:30:00.5-04'],
      ['2024-11-03 01:30:00.5-05', '2024-11-03 01:30:00.5-05'],
      ['2021-03-28T00:59:59.999999Z', '2021-03-28 00:59:59.999999+00'],
      [Number.POSITIVE_INFINITY, 'infinity'],
      ['-infinity', '-infinity'],
      [new Date(Date.UTC(2000, 0, 1, 0, 0, 0, 1)), '2000-01-01 00:00:00.001+00'],
      [Date.UTC(1969, 11, 31, 23, 59, 59) + 0.5, '1969-12-31 23:59:59.0005+00'],
      ['4714-11-24 00:00:00+00 BC', '4714-11-24 00:00:00+00 BC'],
      ['294276-12-31 23:59:59.999999+00', '294276-12-31 23:59:59.999999+00'],
      ['1883-11-18 12:00:00+00', '1883-11-18 12:00:00+00'],
    ],
  },
  {
    type: 'interval',
    values: [
      ['1 year 2 mons -3 days +04:05:06.5', '1 year 2 mons -3 days +04:05:06.5'],
      [{ months: 1, days: 2, microseconds: 3n }, '1 mon 2 days 00:00:00.000003'],
      ['P1Y2M3DT4H5M6.5S', 'P1Y2M3DT4H5M6.5S'],
      [{ microseconds: 2n ** 63n - 1n }, '2562047788:00:54.775807'],
    ],
    decoded: [
      { months: 14, days: -3, microseconds: 14_706_500_000n },
      { months: 1, days: 2, microseconds: 3n },
      { months: 14, days: 3, microseconds: 14_706_500_000n },
      { months: 0, days: 0, microseconds: 2n ** 63n - 1n },
    ],
  },
  {
    type: 'json',
    values: [
      [{ a: [1, 'é😀'], b: null }, '{"a":[1,"é😀"],"b":null}'],
      ['[1,  2]', '[1,  2]'],
      ['"\\u0000"', '"\\u0000"'],
    ],
  },
  {
    type: 'jsonb',
    bytesDiffer: 'the server normalises jsonb text',
    values: [
      [
        { é: '😀', n: 1.5, nested: { list: [true, null] } },
        '{"é": "😀", "n": 1.5, "nested": {"list": [true, null]}}',
      ],
      ['"\\ud83d\\ude00"', '"😀"'],
    ],
  },
  {
    type: 'inet',
    values: [
      ['192.168.0.1/24', '192.168.0.1/24'],
      ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
      ['2001:DB8::1/64', '2001:db8::1/64'],
    ],
  },
  {
    type: 'cidr',
    values: [
      ['10.0.0.0/8', '10.0.0.0/8'],
      ['2001:db8::/32', '2001:db8::/32'],
    ],
  },
  {
    type: 'int4[]',
    values: [
      [
        [
          [1, 2],
          [3, null],
        ],
        '{{1,2},{3,NULL}}',
      ],
      [[], '{}'],
      [[null], '{NULL}'],
    ],
  },
  {
    type: 'text[]',
    values: [
      [['a', null, '', 'é "q" \\'], '{a,NULL,"","é \\"q\\" \\\\"}'],
      [[[['x']]], '{{{x}}}'],
    ],
  },
  { type: 'int8[]', values: [[[1n, -(2n ** 63n)], '{1,-9223372036854775808}']] },
  { type: 'float8[]', values: [[[Number.NaN, -0, Number.NEGATIVE_INFINITY], '{NaN,-0,-Infinity}']] },
  { type: 'numeric[]', values: [[['1.50', 'NaN', null], '{1.50,NaN,NULL}']] },
  {
    type: 'timestamptz[]',
    values: [[['infinity', '2000-01-01T00:00:00Z'], '{infinity,"2000-01-01 00:00:00+00"}']],
  },
  { type: 'date[]', values: [[[['2024-01-01'], ['-infinity']], '{{2024-01-01},{-infinity}}']] },
  {
    type: 'uuid[]',
    values: [[['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'], '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}']],
  },
  { type: 'bytea[]', values: [[[new Uint8Array([1, 2]), null], '{"\\\\x0102",NULL}']] },
  { type: 'bool[]', values: [[[true, false], '{t,f}']] },
  { type: 'varchar[]', values: [[['x', 'y'], '{x,y}']] },
  { type: 'inet[]', values: [[['1.2.3.4', '::1'], '{1.2.3.4,::1}']] },
  {
    type: 'jsonb[]',
    bytesDiffer: 'the server normalises jsonb text',
    values: [[['{"a":1}', '[]', null], '{"{\\"a\\": 1}",[],NULL}']],
  },
  {
    type: 'interval[]',
    values: [[[{ days: 1 }], '{"1 day"}']],
    decoded: [[{ months: 0, days: 1, microseconds: 0n }]],
  },
];

describe('binary COPY codecs against the server', () => {
  it.each(cases.map((c, i) => [`${c.type} #${i}`, c] as const))('%s', async (_name, testCase) => {
    if (serverVersion < (testCase.minVersion ?? 0)) return;
    const values = testCase.values.map(([value]) => value);
    const { table, sent } = await copyIn(testCase.type, values);

    // 1. The server stored what the literals say.
    const list = testCase.values
      .map(([, literal], i) => `(${i}, ${literal === null ? 'null' : quote(literal)}::${testCase.type})`)
      .join(', ');
    const oracle = await sql.unsafe(
      `select case when v is null then null else format('%s', v) end as v from (values ${list}) as x(id, v) order by id`,
    );
    expect(await serverTexts(sql, table)).toEqual(oracle.map((row) => row.v));

    // 2. The server's own binary output is byte for byte what we sent.
    const received = await copyOut('America/New_York', table);
    if (!testCase.bytesDiffer) expect(Buffer.from(concat(received)).equals(Buffer.from(sent))).toBe(true);

    // 3. Our decoder reads the server's bytes to the values Haul's text path gives.
    const decoder = new BinaryCopyDecoder(
      [
        { name: 'id', type: 'int4' },
        { name: 'v', type: testCase.type },
      ],
      { registry },
    );
    const rows = received.flatMap((chunk) => decoder.push(chunk));
    decoder.end();
    expect(rows.map((row) => row[0])).toEqual(values.map((_, i) => i));
    const decoded = rows.map((row) => row[1]);
    if (testCase.decoded) {
      expect(decoded).toEqual(testCase.decoded);
    } else {
      const [typeRow] = await sql.unsafe(`select ${quote(testCase.type)}::regtype::oid as oid`);
      const decodeText = textDecoders.decoder(Number(typeRow!.oid));
      const viaText = (await sql.unsafe(`select v from ${table} order by id`).raw()).map((row) => {
        const field = (row as unknown as (Uint8Array | null)[])[0];
        return field === null || field === undefined ? null : decodeText(field, 0, field.length);
      });
      const narrow = (list: unknown[]) =>
        testCase.asFloat32 ? list.map((v) => (v === null ? v : Math.fround(v as number))) : list;
      expect(normalize(narrow(decoded))).toEqual(normalize(narrow(viaText)));
    }
  });
});

/** Random values: the server's text for what we sent equals our own printing of the same bytes. */
describe('random values against the server', () => {
  const sample = <T>(arbitrary: fc.Arbitrary<T>, count = 300): T[] =>
    fc.sample(arbitrary, { numRuns: count, seed: 20_240_229 });

  /** COPYs `values` in, then reads them back in binary through `codec` (a session in UTC). */
  async function throughServer(type: string, values: unknown[], codec?: BinaryCodec) {
    const { table, sent } = await copyIn(type, values, codec);
    const received = await copyOut('UTC', table);
    const decoder = new BinaryCopyDecoder(['int4', codec ?? type], { registry });
    const decoded = received.flatMap((chunk) => decoder.push(chunk)).map((row) => row[1]);
    return {
      texts: await serverTexts(utc, table),
      decoded,
      same: Buffer.from(concat(received)).equals(Buffer.from(sent)),
    };
  }

  it('numeric: random digits and scales print as we print them', async () => {
    const values = sample(
      fc
        .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,60}$/), fc.stringMatching(/^[0-9]{0,40}$/))
        .map(([negative, int, frac]) => `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`),
    );
    const { texts, decoded, same } = await throughServer('numeric', values);
    expectSameList(texts, decoded);
    expect(same).toBe(true);
  });

  it('timestamptz and timestamp: random µs across the whole range', async () => {
    const micros = sample(fc.bigInt({ min: -211_813_488_000_000_000n, max: 9_223_371_331_199_999_999n }));
    const asBytes = (us: bigint) => {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigInt64(0, us);
      return bytes;
    };
    const tz = micros.map((us) => timestamptzStringCodec.decode(asBytes(us), 0, 8) as string);
    const withZone = await throughServer('timestamptz', tz, timestamptzStringCodec);
    expectSameList(withZone.texts, tz);
    expectSameList(withZone.decoded, tz);
    expect(withZone.same).toBe(true);
    const wall = micros.map((us) => timestampStringCodec.decode(asBytes(us), 0, 8) as string);
    const without = await throughServer('timestamp', wall, timestampStringCodec);
    expectSameList(without.texts, wall);
    expectSameList(without.decoded, wall);
  });

  it('timestamptz → Date: edge µs give the server’s own epoch ms (floored), infinities ±Infinity', async () => {
    const TWO_53 = 2n ** 53n;
    const edges = [0n, 1n, -1n, 999n, 1000n, 1001n, -999n, -1000n, -1001n, -946_684_800_000_001n];
    for (const centre of [TWO_53, -TWO_53])
      for (let d = -1001n; d <= 1001n; d += 143n) edges.push(centre + d);
    edges.push(TWO_53 - 1n, -TWO_53 - 1n, -211_813_488_000_000_000n, 9_223_371_331_199_999_999n);
    edges.push(
      ...sample(fc.bigInt({ min: -211_813_488_000_000_000n, max: 9_223_371_331_199_999_999n }), 200),
    );
    const texts = edges.map((us) => {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigInt64(0, us);
      return timestamptzStringCodec.decode(bytes, 0, 8) as string;
    });
    texts.push('infinity', '-infinity');
    const { table } = await copyIn('timestamptz', texts, timestamptzStringCodec);
    const received = await copyOut('America/New_York', table);
    const decoder = new BinaryCopyDecoder(['int4', 'timestamptz']);
    const decoded = received
      .flatMap((chunk) => decoder.push(chunk))
      .map((row) => {
        const value = row[1] as Date | number;
        return value instanceof Date ? value.getTime() : value;
      });
    decoder.end();
    const oracle = await sql.unsafe(
      `select case when isfinite(v) then floor(extract(epoch from v) * 1000)::int8::text else v::text end as ms
       from ${table} order by id`,
    );
    const expected = oracle.map(({ ms }) => {
      if (ms === 'infinity') return Number.POSITIVE_INFINITY;
      if (ms === '-infinity') return Number.NEGATIVE_INFINITY;
      const n = Number(ms);
      return Math.abs(n) > 8.64e15 ? Number.NaN : n; // beyond a Date's range: Invalid Date
    });
    expectSameList(decoded, expected, texts);
  });

  it('float4: random floats come back exactly, and print as the same float32', async () => {
    const values = sample(fc.float({ noNaN: true }), 1000);
    const { texts, decoded, same } = await throughServer('float4', values);
    expectSameList(decoded.map(normalize), values.map(normalize));
    expectSameList(
      texts.map((t) => normalize(Math.fround(Number(t)))),
      values.map(normalize),
    );
    expect(same).toBe(true);
  });

  it('float8 and text: random values come back unchanged', async () => {
    const doubles = sample(fc.double({ noNaN: true }), 500);
    const floats = await throughServer('float8', doubles);
    expectSameList(floats.decoded.map(normalize), doubles.map(normalize));
    expectSameList(floats.texts.map(Number).map(normalize), doubles.map(normalize));
    const strings = sample(fc.string({ unit: 'grapheme', maxLength: 50 }).filter((t) => !t.includes('\0')));
    const texts = await throughServer('text', strings);
    expectSameList(texts.texts, strings);
    expectSameList(texts.decoded, strings);
  });

  it('inet: random IPv4 and IPv6 print as the server prints them', async () => {
    const addresses = sample(
      fc.oneof(
        fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([a, bits]) => `${a}/${bits}`),
        fc.ipV6(),
        fc.ipV4(),
        fc.tuple(fc.constantFrom('::', '::ffff:', '1::', '::1:0:'), fc.ipV4()).map(([p, v4]) => p + v4),
      ),
      500,
    );
    const { texts, decoded, same } = await throughServer('inet', addresses);
    expectSameList(decoded, texts);
    expect(same).toBe(true);
  });

  it('uuid: random bytes print as the server prints them', async () => {
    const hex = (bytes: number[]) => bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
    const values = [
      ...sample(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }), 500),
      new Array<number>(16).fill(0),
      new Array<number>(16).fill(255),
    ].map(hex);
    const { texts, decoded, same } = await throughServer('uuid', values);
    expectSameList(decoded, texts);
    expect(same).toBe(true);
  });

  it('date: random days', async () => {
    const days = sample(fc.integer({ min: -2_451_545, max: 2_145_031_948 }));
    const asText = days.map((d) => {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setInt32(0, d);
      return dateStringCodec.decode(bytes, 0, 4) as string;
    });
    const { texts, decoded } = await throughServer('date', asText, dateStringCodec);
    expectSameList(texts, asText);
    expectSameList(decoded, asText);
  });
});

/**
 * Long lists compared by their first differing entries (with their index and the input), so a failure
 * says which values differ instead of diffing hundreds of entries.
 */
function expectSameList(actual: unknown[], expected: unknown[], inputs: unknown[] = expected): void {
  expect(actual.length).toBe(expected.length);
  const differing = actual
    .map((value, index) => ({ index, input: inputs[index], actual: value, expected: expected[index] }))
    .filter(
      ({ actual: a, expected: e }) =>
        !Object.is(a, e) && JSON.stringify(normalize(a)) !== JSON.stringify(normalize(e)),
    );
  expect(differing.slice(0, 5)).toEqual([]);
}

/** NaN-safe, -0-safe comparison form; Buffers as plain bytes. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : Number.isNaN(value) ? 'NaN' : value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.getTime();
  if (value instanceof Uint8Array) return [...value];
  return value;
}
