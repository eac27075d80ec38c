import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNumericText, numericCodec } from '../../../src/types/numeric/index.ts';
import { ValueError } from '../../../src/types/shared/codec.ts';
import { Writer } from '../../../src/wire/writer.ts';

function encode(value: unknown): Uint8Array {
  const w = new Writer(4);
  numericCodec.encode(w, value);
  return w.take();
}

function roundTrip(value: unknown): string {
  const bytes = encode(value);
  const padded = new Uint8Array(bytes.length + 4).fill(0x7f);
  padded.set(bytes, 2);
  return decodeNumericText(padded, 2, 2 + bytes.length);
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** What numeric_out prints for sign, integer digits and fraction digits (dscale = fraction length). */
function canonical(negative: boolean, integer: string, fraction: string): string {
  const int = integer.replace(/^0+/, '') || '0';
  const zero = /^0*$/.test(integer + fraction);
  return `${negative && !zero ? '-' : ''}${int}${fraction ? `.${fraction}` : ''}`;
}

describe('numeric', () => {
  // Byte strings from PostgreSQL 15: COPY (select …) TO STDOUT (FORMAT binary).
  it.each([
    ['1.50', '0002' + '0000' + '0000' + '0002' + '0001' + '1388'],
    ['-12345678.9', '0003' + '0001' + '4000' + '0001' + '04d2' + '162e' + '2328'],
    ['0.000', '0000' + '0000' + '0000' + '0003'],
    ['NaN', '0000' + '0000' + 'c000' + '0000'],
    ['Infinity', '0000' + '0000' + 'd000' + '0000'],
    ['-Infinity', '0000' + '0000' + 'f000' + '0000'],
    ['10000', '0001' + '0001' + '0000' + '0000' + '0001'],
    ['0.0001', '0001' + 'ffff' + '0000' + '0004' + '0001'],
    ['100000000.00000001', '0005' + '0002' + '0000' + '0008' + '0001' + '0000' + '0000' + '0000' + '0001'],
  ])('%s', (text, expected) => {
    expect(hex(encode(text))).toBe(expected);
    expect(roundTrip(text)).toBe(text);
  });

  it.each([
    ['-0', '0'],
    ['-0.00', '0.00'],
    ['+.5', '0.5'],
    ['5.', '5'],
    [' 12.30 ', '12.30'],
    ['1e3', '1000'],
    ['1.5E-3', '0.0015'],
    ['.5e1', '5'],
    ['000123.4500', '123.4500'],
    ['inf', 'Infinity'],
    ['-INF', '-Infinity'],
    ['nan', 'NaN'],
  ])('reads %s as the server does (%s)', (text, expected) => {
    expect(roundTrip(text)).toBe(expected);
  });

  it('takes numbers by their shortest text, and bigints', () => {
    expect(roundTrip(0.1)).toBe('0.1');
    expect(roundTrip(-0)).toBe('0');
    expect(roundTrip(1e21)).toBe('1000000000000000000000');
    expect(roundTrip(5e-7)).toBe('0.0000005');
    expect(roundTrip(Number.NaN)).toBe('NaN');
    expect(roundTrip(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(roundTrip(-(2n ** 100n))).toBe((-(2n ** 100n)).toString());
  });

  it.each(['', '-', '.', 'e5', '1e', '1.2.3', '1,5', '1e+', '12 34', 'Infinityx', '+nan', '\u00a01'])(
    'refuses %j as numeric_in does',
    (text) => {
      expect(() => encode(text)).toThrow(ValueError);
      expect(() => encode(text)).toThrow(`invalid input syntax for type numeric: "${text}"`);
    },
  );

  it('refuses text whose reading depends on the server version, which the codec does not know', () => {
    for (const text of ['0x10', '1_000', '1e 5']) {
      expect(() => encode(text)).toThrow(ValueError);
      expect(() => encode(text)).toThrow(/^cannot convert/);
    }
    expect(roundTrip('0e1000001')).toBe('0');
  });

  it('refuses what overflows the numeric format, as numeric_in does', () => {
    expect(() => encode('1e-16384')).toThrow('value overflows numeric format');
    expect(() => encode('1e131072')).toThrow('value overflows numeric format');
    expect(() => encode('1e99999999999')).toThrow('value overflows numeric format');
    expect(roundTrip('1e131071').length).toBe(131072);
    expect(roundTrip('1e-16383').length).toBe(16385);
    expect(() => encode(true)).toThrow('numeric expects a decimal string, number or bigint, not boolean');
  });

  it('round-trips random digits at any scale, 1,000+ digits included', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.stringMatching(/^[0-9]{1,1200}$/),
        fc.stringMatching(/^[0-9]{0,300}$/),
        (negative, integer, fraction) => {
          const text = `${negative ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`;
          expect(roundTrip(text)).toBe(canonical(negative, integer, fraction));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('round-trips exponent forms', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[1-9][0-9]{0,30}$/),
        fc.integer({ min: -60, max: 60 }),
        (digits, exponent) => {
          const expected = BigInt(digits);
          const text = roundTrip(`${digits}e${exponent}`);
          // value · 10^dscale must equal digits · 10^(exponent + dscale)
          const [int, frac = ''] = text.split('.');
          const scaled = BigInt(int! + frac);
          const shift = exponent + frac.length;
          expect(scaled).toBe(
            shift >= 0 ? expected * 10n ** BigInt(shift) : expected / 10n ** BigInt(-shift),
          );
          expect(frac.length).toBe(Math.max(0, -exponent));
        },
      ),
    );
  });

  it('refuses malformed binary', () => {
    expect(() => decodeNumericText(new Uint8Array([0, 1, 0, 0, 0, 0, 0, 0]), 0, 8)).toThrow(
      '1 digit groups need 10 bytes, got 8',
    );
    expect(() => decodeNumericText(new Uint8Array([0, 0, 0, 0, 0x12, 0x34, 0, 0]), 0, 8)).toThrow(
      'invalid sign',
    );
    expect(() => decodeNumericText(new Uint8Array([0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10]), 0, 10)).toThrow(
      'digit group 10000 out of range',
    );
  });
});
