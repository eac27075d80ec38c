/**
 * numeric_in is the judge of both numeric encoders: the FromText converter (CSV text bytes, server
 * version known) and the binary codec (JS strings, numbers, bigints; version unknown). For each text,
 * both accept what the server accepts, with its bytes (numeric_send) and the value it stores
 * (`::text`), and both refuse what it refuses. The cases are the drift the two encoders had: NaN
 * spellings and signs, exponents at and past the server's limits, digits at the weight and dscale
 * limits, whitespace C's isspace does not know.
 */
import { connect } from '@haul/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../../tools/test-targets.ts';
import { decodeNumericText, numericCodec, numericConverter } from '../../../src/types/numeric/index.ts';
import { Writer } from '../../../src/wire/writer.ts';
import { encodeOutcome } from '../../support/binary-codec.ts';
import { convert, isNotConverted, toHex } from '../input/support/convert.ts';
import { NUMERIC_TEXTS } from '../input/support/number-corpus.ts';
import { numericTexts } from '../input/support/number-generators.ts';
import { ServerOracle } from '../input/support/server-oracle.ts';

const LIMIT_TEXTS = [
  'NaN',
  'nan',
  'NAN',
  '+nan',
  '-nan',
  '+NaN',
  '-NaN',
  ' NaN ',
  '\tnan\n',
  'NaN0',
  'Infinity',
  'infinity',
  '+Infinity',
  '-Infinity',
  ' -Infinity ',
  'inf',
  '+inf',
  '-inf',
  '-INF',
  '++inf',
  '-nan ',
  // Not C whitespace: JS's trim() took these.
  '\u00a01',
  '1\u00a0',
  '\u20281',
  '1e1000',
  '-1e1000',
  '1e-1000',
  '1e131071',
  '9.9999e131071',
  '1e131072',
  '-1e131072',
  '1e-16383',
  '-1e-16383',
  '1.5e-16382',
  '1e-16384',
  '0e-16383',
  '0e-16384',
  '1e999999',
  '1e1000000',
  '0e1000000',
  '0e1000001',
  '0e-1000001',
  '1e-1000001',
  '0e999999999',
  '0e1073741822',
  '0e1073741823',
  '0e1073741824',
  '1e1073741823',
  '1e1073741824',
  '1e-1073741823',
  '1e-1073741824',
  '0e-1073741823',
  '1e2147483647',
  '1e2147483648',
  '1e-2147483648',
  '-1e-2147483649',
  '1e99999999999',
  '1e-99999999999',
  `1${'0'.repeat(131_071)}`,
  `1${'0'.repeat(131_072)}`,
  `${'9'.repeat(131_072)}.5`,
  `0.${'0'.repeat(16_382)}1`,
  `0.${'0'.repeat(16_383)}1`,
  `0.${'0'.repeat(16_383)}`,
  `${'0'.repeat(200_000)}1`,
  '0.1e-16382',
  '10e-16384',
  // What numbers print as.
  String(Number.MAX_VALUE),
  String(Number.MIN_VALUE),
  String(-0),
  String(1e21),
  String(2 ** 53 + 2),
];

/** Texts the codec may leave to the server: it cannot know the version, and these depend on it. */
const VERSION_DEPENDENT = /_|0[xob]|e\s|^0e1073741823$/i;
/** Texts neither encoder reads although PostgreSQL 16 does (hexadecimal, octal, binary). */
const NEVER_CONVERTED = /0[xob]/i;

/** The server's NaN and infinities carry a dscale some versions set (18 writes 32); numeric_recv ignores it. */
function withoutSpecialScale(hex: string): string {
  return /^00000000(c000|d000|f000)/.test(hex) ? `${hex.slice(0, 12)}0000` : hex;
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

describe.each(databaseTargets())('numeric encoders against numeric_in on $name', ({ url }) => {
  let oracle: ServerOracle;
  let db: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    oracle = await ServerOracle.open(url);
    db = await connect(url);
  });
  afterAll(async () => {
    await oracle?.close();
    await db?.close();
  });

  const values = [...LIMIT_TEXTS, ...NUMERIC_TEXTS, ...numericTexts(500, 12)];

  it(`FromText and the binary codec accept, refuse and store as the server does (${values.length} texts)`, async () => {
    const server = await oracle.outcomes('numeric', values);
    const accepted = values.filter((_, index) => server[index]!.ok);
    const { rows } = await db.query<{ t: string }>(
      'select x::numeric::text as t from unnest($1::text[]) with ordinality as u(x, n) order by n',
      [accepted],
    );
    const stored = new Map(accepted.map((value, index) => [value, rows[index]!.t]));
    const converter = numericConverter({ timeZone: 'UTC', serverVersion: oracle.version });
    const wrong: string[] = [];
    values.forEach((value, index) => {
      const expected = server[index]!;
      const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 20)}…(${value.length})` : value);
      for (const [path, actual] of [
        ['FromText', convert(converter, value)],
        ['codec', encodeOutcome(numericCodec, value)],
      ] as const) {
        if (isNotConverted(actual) && (path === 'codec' ? VERSION_DEPENDENT : NEVER_CONVERTED).test(value))
          continue;
        if (expected.ok !== actual.ok) {
          wrong.push(
            `${shown}: server ${expected.ok ? 'accepts' : `refuses (${expected.message})`}, ` +
              `${path} ${actual.ok ? 'accepts' : `refuses (${actual.message})`}`,
          );
        } else if (expected.ok && actual.ok) {
          if (withoutSpecialScale(expected.hex) !== withoutSpecialScale(actual.hex))
            wrong.push(`${shown}: server ${expected.hex}, ${path} ${actual.hex}`);
          const text = decodeNumericText(fromHex(actual.hex), 0, actual.hex.length / 2);
          if (text !== stored.get(value))
            wrong.push(`${shown}: server stores ${stored.get(value)}, ${path} ${text}`);
        } else if (path === 'FromText' && !expected.ok && !actual.ok && expected.message !== actual.message) {
          wrong.push(`${shown}: server says "${expected.message}", FromText "${actual.message}"`);
        }
      }
    });
    expect(wrong).toEqual([]);
  });

  it('the codec takes numbers and bigints as the server reads their text', async () => {
    const numbers = [0.1, -0, 1e21, 5e-7, Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, -Infinity];
    const bigints = [-(2n ** 100n), 2n ** 63n];
    const texts = [...numbers.map((n) => (Number.isNaN(n) ? 'NaN' : String(n))), ...bigints.map(String)];
    const server = await oracle.outcomes('numeric', texts);
    [...numbers, ...bigints].forEach((value, index) => {
      const w = new Writer(16);
      numericCodec.encode(w, value);
      const expected = server[index]!;
      expect(expected.ok && withoutSpecialScale(expected.hex)).toBe(withoutSpecialScale(toHex(w.take())));
    });
  });
});
