/**
 * Property: NDJSON (or a JSON array) with sparse keys, big and odd numbers (huge integers, 1e999, -0,
 * 1.0E+2, long fractions), nested values, and strings with escapes and surrogates, loaded into
 * (id, n numeric, i int8, f float8, j jsonb, t text, b bool), stores exactly what the server's own
 * parsing of each line gives — `json_populate_record(null::table, line)` — and refuses exactly the
 * lines the server refuses (plus those with a key the table lacks, unless ignoreUnknownColumns).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import type { RejectedRow } from '../../src/api.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, uniqueName, via } from '../support/database.ts';

const COLUMNS = 'id int, n numeric, i int8, f float8, j jsonb, t text, b bool';
const TEXT = 'id, n::text, i::text, f::text, j::text, t, b::text';
const KEYS = ['n', 'i', 'f', 'j', 't', 'b'] as const;

const space = fc.constantFrom('', '', '', ' ', '\t', '  ');

const numberText = fc.oneof(
  fc.constantFrom(
    '9007199254740993',
    '1e999',
    '-1e999',
    '-0',
    '0',
    '-0.0',
    '1.0E+2',
    '1E+2',
    '2.5e3',
    '1e-400',
    '0.1000000000000000000001',
    '123456789012345678901234567890',
    '-9223372036854775808',
    '9223372036854775808',
    '2147483648',
    '1e131072',
  ),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc
    .tuple(
      fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
      fc.stringMatching(/^[0-9]{1,25}$/),
      fc.option(fc.integer({ min: -400, max: 400 })),
      fc.constantFrom('e', 'E', 'e+'),
    )
    .map(([int, fraction, exponent, e]) =>
      `${int}.${fraction}${exponent === null ? '' : `${e}${exponent}`}`.replace('e+-', 'e-'),
    ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);

/** One piece of a JSON string's source text. */
const stringPiece = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }).map((s) => JSON.stringify(s).slice(1, -1)),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '\\n',
      '\\t',
      '\\"',
      '\\\\',
      '\\/',
      '\\u00e9',
      '\\u00E9',
      '\\ud83d\\ude00',
      '\\b',
      '\\u0001',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('\\ud800', '\\udc00', '\\u0000', '\\ud83d\\ud83d') },
);
const stringText = fc.oneof(
  { weight: 4, arbitrary: fc.array(stringPiece, { maxLength: 5 }).map((parts) => `"${parts.join('')}"`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '"12.5"',
      '"NaN"',
      '"Infinity"',
      '"-inf"',
      '"yes"',
      '"t"',
      '"off"',
      '"123"',
      '""',
      '"{\\"a\\":1}"',
    ),
  },
);
const literalText = fc.constantFrom('true', 'false', 'null');

const { value: valueText } = fc.letrec<{ value: string; nested: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberText,
    stringText,
    literalText,
    tie('nested'),
  ),
  nested: fc.oneof(
    fc
      .array(fc.tuple(stringText, space, tie('value')), { maxLength: 3 })
      .map((members) => `{${members.map(([k, s, v]) => `${k}${s}:${s}${v}`).join(', ')}}`),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  ),
}));

interface GeneratedRow {
  members: [string, string][];
  unknown: boolean;
}

const row = fc
  .record({
    values: fc.tuple(...KEYS.map(() => fc.option(valueText, { freq: 3 }))),
    // Now and then a key the table lacks.
    unknown: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  })
  .map(({ values, unknown }): GeneratedRow => {
    const members: [string, string][] = [];
    values.forEach((value, k) => {
      if (value !== null) members.push([KEYS[k]!, value]);
    });
    if (unknown) members.push(['zz', '1']);
    return { members, unknown };
  });

function lineOf(id: number, generated: GeneratedRow, gap: string): string {
  const members = [[`id`, String(id)] as [string, string], ...generated.members];
  return `{${members.map(([k, v]) => `"${k}":${gap}${v}`).join(`,${gap}`)}}`;
}

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  let oracleTable: string;
  beforeAll(async () => {
    admin = adminClient(url);
    oracleTable = uniqueName('json_oracle');
    await admin.unsafe(`create table ${oracleTable} (${COLUMNS})`);
  });
  afterAll(async () => {
    await admin.unsafe(`drop table if exists ${oracleTable}`);
    await admin.end();
  });

  /** The server's row for the line, or null where its own JSON parsing refuses it. */
  async function oracle(line: string): Promise<Record<string, unknown> | null> {
    try {
      const [stored] = await admin.unsafe(
        `with r as (select * from json_populate_record(null::${oracleTable}, $1::text::json)) select ${TEXT} from r`,
        [line],
      );
      return { ...stored };
    } catch {
      return null;
    }
  }

  it('stores what json_populate_record gives for each line, and refuses what it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 10 }),
        fc.constantFrom('binary', 'text') as fc.Arbitrary<'binary' | 'text'>,
        fc.constantFrom('ndjson', 'json') as fc.Arbitrary<'ndjson' | 'json'>,
        fc.boolean(),
        space,
        async (rows, copyFormat, format, ignoreUnknownColumns, gap) => {
          const lines = rows.map((generated, k) => lineOf(k + 1, generated, gap));
          const expected: Record<string, unknown>[] = [];
          const refused: number[] = [];
          for (let k = 0; k < lines.length; k++) {
            const server = await oracle(lines[k]!);
            if (server === null || (rows[k]!.unknown && !ignoreUnknownColumns)) refused.push(k + 1);
            else expected.push(server);
          }
          const name = uniqueName('json_prop');
          await admin.unsafe(`create table ${name} (${COLUMNS})`);
          try {
            const rejects: RejectedRow[] = [];
            const source = format === 'ndjson' ? `${lines.join('\n')}\n` : `[\n${lines.join(',\n')}\n]`;
            const report = await load({
              ...via(url),
              table: name,
              source,
              format,
              copyFormat,
              ignoreUnknownColumns,
              onError: 'reject',
              onReject: (rejected) => void rejects.push(rejected),
              shards: 1,
            });
            // JSON-array elements start on line k + 1 of the document (after the '[' line).
            const rejectedIds = rejects
              .map((r) => (format === 'json' ? r.line - 1 : r.line))
              .sort((a, b) => a - b);
            expect({ rejected: rejectedIds, lines }).toEqual({ rejected: refused, lines });
            expect(report.rows).toBe(expected.length);
            const stored = (await admin.unsafe(`select ${TEXT} from ${name} order by id`)).map((r) => ({
              ...r,
            }));
            expect(stored).toEqual(expected);
          } finally {
            await admin.unsafe(`drop table ${name}`);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 240_000);
});
