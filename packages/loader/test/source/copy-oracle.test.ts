/**
 * PostgreSQL as the oracle: the server parses the same bytes with `COPY … FROM STDIN (FORMAT csv | text)`
 * and must agree with our parser on every row, value and NULL — and refuse exactly what we refuse.
 *
 * Known, deliberate differences are kept out of the generated inputs: a UTF-8 BOM (we skip it, COPY
 * keeps it as data), the `\.` end-of-data marker (we read it as data), and a header line with an
 * unterminated quote (COPY skips the first line unparsed; we refuse it).
 */

import type { Connection } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { BadRowError } from '../../src/errors.ts';
import { parseDelimited } from '../../src/source/csv-parser.ts';
import { FIELD_NULL } from '../../src/source/field-batch.ts';
import { unescapeField } from '../../src/source/unescape.ts';
import { encode, pieces } from './helpers.ts';

const MAX_WIDTH = 6;
/** Cases per random property; raise it (HAUL_ORACLE_RUNS=5000) for a deeper search. */
const ORACLE_RUNS = Number(process.env['HAUL_ORACLE_RUNS'] ?? 300);
/** A round trip or three per case. */
const ORACLE_TIMEOUT = 30_000 + ORACLE_RUNS * 20;
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Case {
  input: string;
  dialect: 'csv' | 'text';
  delimiter: string;
  escape?: string;
  null?: string;
  header: boolean;
}

type Verdict = { rows: (string | null)[][] } | { refused: string };

const targets = databaseTargets();
// One server is enough for a parsing oracle: the local service when there is one.
const target = targets.find((t) => t.name.endsWith('-service')) ?? targets[0]!;

describe(`COPY parses it the same way (${target.name})`, () => {
  let db: Connection;
  const table = (width: number) => `source_oracle_${process.pid}_w${width}`;

  beforeAll(async () => {
    db = await connect(target.url);
    for (let width = 1; width <= MAX_WIDTH; width++) {
      const columns = Array.from({ length: width }, (_, k) => `c${k + 1} text`).join(', ');
      await db.exec(
        `drop table if exists ${table(width)}; ` +
          `create table ${table(width)} (n bigint generated always as identity, ${columns})`,
      );
    }
  });

  afterAll(async () => {
    for (let width = 1; width <= MAX_WIDTH; width++) await db.exec(`drop table if exists ${table(width)}`);
    await db.close();
  });

  /** What the server makes of the input, loaded into a table `width` columns wide. */
  async function server(c: Case, width: number): Promise<Verdict> {
    const options = [`FORMAT ${c.dialect}`, `DELIMITER ${literal(c.delimiter)}`, `HEADER ${c.header}`];
    if (c.escape !== undefined) options.push(`ESCAPE ${literal(c.escape)}`);
    if (c.null !== undefined) options.push(`NULL ${literal(c.null)}`);
    const columns = Array.from({ length: width }, (_, k) => `c${k + 1}`).join(', ');
    await db.exec(`truncate ${table(width)}`);
    try {
      await db.copyIn(`copy ${table(width)} (${columns}) from stdin (${options.join(', ')})`, [
        new TextEncoder().encode(c.input),
      ]);
    } catch (error) {
      return { refused: (error as Error).message };
    }
    const result = await db.query(`select ${columns} from ${table(width)} order by n`, [], {
      rowMode: 'array',
    });
    return { rows: result.rows as unknown as (string | null)[][] };
  }

  /** Our parse, and what the server must therefore say; null when the case is out of the oracle's reach. */
  async function ours(c: Case): Promise<{ expected: 'refused' | (string | null)[][]; width: number } | null> {
    const rows: (string | null)[][] = [];
    let allText = true;
    try {
      const options = { dialect: c.dialect, delimiter: c.delimiter, header: c.header, ...definedOnly(c) };
      for await (const batch of parseDelimited(pieces(encode(c.input), 5), options, { targetBytes: 7 })) {
        for (let r = 0; r < batch.rowCount; r++) {
          const row: (string | null)[] = [];
          for (let f = batch.rowField[r]!; f < batch.rowField[r + 1]!; f++) {
            if (batch.fieldFlags[f]! & FIELD_NULL) {
              row.push(null);
              continue;
            }
            const bytes = unescapeField(batch, f);
            // Octal/hex escapes can make bytes that are not UTF-8, or NUL: the server refuses those.
            const text = strictText(bytes);
            if (text === null) allText = false;
            row.push(text);
          }
          rows.push(row);
        }
      }
    } catch (error) {
      if (!(error instanceof BadRowError)) throw error;
      // COPY … HEADER skips the first line without parsing it, so a header with an unterminated
      // quote swallows the file there; we refuse it (we need the names).
      if (c.header && error.line === 1) return null;
      return { expected: 'refused', width: 1 };
    }
    const width = rows[0]?.length ?? 1;
    if (width > MAX_WIDTH) return null;
    // Rows of different widths: COPY refuses them ("extra data" / "missing data").
    if (rows.some((row) => row.length !== width)) return { expected: 'refused', width };
    if (!allText) return { expected: 'refused', width };
    return { expected: rows, width };
  }

  async function agree(c: Case): Promise<void> {
    const mine = await ours(c);
    if (mine === null) return;
    const theirs = await server(c, mine.width);
    if (mine.expected === 'refused') {
      expect('refused' in theirs, `server accepted what we refused: ${JSON.stringify(c)}`).toBe(true);
    } else {
      expect(theirs, JSON.stringify(c)).toEqual({ rows: mine.expected });
    }
  }

  it('a fixed corpus of tricky CSV', async () => {
    const corpus = [
      'a,b,c\n1,2,3\n',
      ',"",x\n',
      '"a,b","say ""hi""","two\nlines"\n',
      'ab"c,d"e,f\n',
      '"a"b,c\n',
      'a""b,"x""",""""\n',
      'a"b\nc"d,e\n',
      'a,b\r\nc,d\r\n',
      'a,b\rc,d\r',
      'a,b\nc,d',
      'a\nb\rc\n',
      'a\r\nb\nc\r\n',
      '"unterminated\n',
      'x\n\ny\n',
      '"a\r\nb",c\r\n',
      '  a , b \n',
      'é,🚀\n',
      '\\N,\\,\\\\\n',
      '',
      '\n',
    ];
    for (const input of corpus) {
      for (const header of [false, true]) await agree({ input, dialect: 'csv', delimiter: ',', header });
    }
    await agree({ input: 'N,"N",,Nx\n', dialect: 'csv', delimiter: ',', null: 'N', header: false });
    await agree({
      input: '"a\\"b","c\\\\d","e\\x",\\"\n',
      dialect: 'csv',
      delimiter: ',',
      escape: '\\',
      header: false,
    });
    await agree({ input: 'a;"b;c";d\n', dialect: 'csv', delimiter: ';', header: false });
  });

  it('a fixed corpus of tricky COPY text', async () => {
    const corpus = [
      'a\tb\t\n\\N\t\tc\n',
      '\\b\\f\\n\\r\\t\\v|\\\\|\\101\\7|\\x41\\x4a\\x4|\\xg|\\q|\\N2\n',
      '\\303\\251\\xc3\\xa9\n',
      'a\\\tb\tc\\\nd\ne\n',
      'a\tb\r\nc\td\r\n',
      'a\rb\r',
      'a\nb\rc\n',
      '"a\tb"\n',
      'a\\',
      '\\0\n',
      '\\xff\n',
      'x\n\ny\n',
    ];
    for (const input of corpus) {
      for (const header of [false, true]) await agree({ input, dialect: 'text', delimiter: '\t', header });
    }
  });

  it(
    'random CSV (fast-check)',
    async () => {
      const alphabet = ['a', 'b', ',', ';', '"', '""', '\n', '\r', '\r\n', '\\', 'N', ' ', 'é'];
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((parts) => parts.join('')),
          fc.record({
            delimiter: fc.constantFrom(',', ';'),
            escape: fc.constantFrom(undefined, '\\'),
            null: fc.constantFrom(undefined, 'N'),
            header: fc.boolean(),
          }),
          async (input, options) => {
            fc.pre(!endOfDataMarker(input, 'csv'));
            await agree({ input, dialect: 'csv', ...options });
          },
        ),
        { numRuns: ORACLE_RUNS },
      );
    },
    ORACLE_TIMEOUT,
  );

  it(
    'random CSV rows of well-formed fields (fast-check)',
    async () => {
      const field = fc.oneof(
        fc.constant(''),
        fc.stringMatching(/^[a-z0-9 .-]{1,8}$/),
        fc
          .string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r\n', 'é', ' ', '\\'), maxLength: 10 })
          .map((s) => `"${s.replaceAll('"', '""')}"`),
      );
      await fc.assert(
        fc.asyncProperty(
          fc
            .integer({ min: 1, max: MAX_WIDTH })
            .chain((width) =>
              fc.array(fc.array(field, { minLength: width, maxLength: width }), { maxLength: 8 }),
            ),
          fc.constantFrom('\n', '\r\n'),
          fc.boolean(),
          async (rows, eol, finalEol) => {
            const input =
              rows.map((row) => row.join(',')).join(eol) + (finalEol && rows.length > 0 ? eol : '');
            fc.pre(!endOfDataMarker(input, 'csv'));
            await agree({ input, dialect: 'csv', delimiter: ',', header: false });
          },
        ),
        { numRuns: ORACLE_RUNS },
      );
    },
    ORACLE_TIMEOUT,
  );

  it(
    'random COPY text (fast-check)',
    async () => {
      const alphabet = [
        'a',
        '\t',
        '\\',
        '\\N',
        'N',
        '\n',
        '\r',
        '\r\n',
        'n',
        't',
        'x',
        '4',
        '1',
        '7',
        'é',
        ',',
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((parts) => parts.join('')),
          fc.record({ delimiter: fc.constantFrom('\t', ','), header: fc.boolean() }),
          async (input, options) => {
            fc.pre(!endOfDataMarker(input, 'text'));
            await agree({ input, dialect: 'text', ...options });
          },
        ),
        { numRuns: ORACLE_RUNS },
      );
    },
    ORACLE_TIMEOUT,
  );
});

/** True where COPY would see its `\.` end-of-data marker, which we deliberately read as data. */
function endOfDataMarker(input: string, dialect: 'csv' | 'text'): boolean {
  if (dialect === 'csv') return /(^|[\r\n])\\\.([\r\n]|$)/.test(input);
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '\\') continue;
    if (input[i + 1] === '.') return true;
    i++;
  }
  return false;
}

/** The bytes as a string if they are UTF-8 without NUL, else null. */
function strictText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function literal(text: string): string {
  return text === '\t' ? `E'\\t'` : `'${text.replaceAll("'", "''")}'`;
}

function definedOnly(c: Case): { escape?: string; null?: string } {
  const picked: { escape?: string; null?: string } = {};
  if (c.escape !== undefined) picked.escape = c.escape;
  if (c.null !== undefined) picked.null = c.null;
  return picked;
}
