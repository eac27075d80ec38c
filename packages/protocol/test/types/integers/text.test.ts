import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeInt,
  decodeInt8AsBigInt,
  decodeInt8AsNumber,
  decodeInt8AsString,
} from '../../../src/types/integers/text.ts';
import { paddedField } from '../support/field.ts';

const field = (text: string) => paddedField(text, 0x39);

describe('decodeInt', () => {
  it.each([
    ['0', 0],
    ['-32768', -32768],
    ['32767', 32767],
    ['-2147483648', -2147483648],
    ['2147483647', 2147483647],
    ['4294967295', 4294967295],
  ])('%s → %d', (text, value) => {
    expect(decodeInt(...field(text))).toBe(value);
  });

  it('never yields -0', () => {
    expect(Object.is(decodeInt(...field('-0')), 0)).toBe(true);
  });

  it('reads any int4 and oid', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 4294967295 }), (value) => {
        expect(decodeInt(...field(String(value)))).toBe(value);
      }),
    );
  });
});

describe('int8', () => {
  const min = -(2n ** 63n);
  const max = 2n ** 63n - 1n;

  it.each([0n, 1n, -1n, 999_999_999_999_999n, 1_000_000_000_000_000n, min, max])('%s as bigint', (value) => {
    expect(decodeInt8AsBigInt(...field(String(value)))).toBe(value);
  });

  it('reads any int8 exactly as bigint and string', () => {
    fc.assert(
      fc.property(fc.bigInt({ min, max }), (value) => {
        expect(decodeInt8AsBigInt(...field(String(value)))).toBe(value);
        expect(decodeInt8AsString(...field(String(value)))).toBe(String(value));
      }),
    );
  });

  it('reads int8 as the nearest number', () => {
    fc.assert(
      fc.property(fc.bigInt({ min, max }), (value) => {
        expect(decodeInt8AsNumber(...field(String(value)))).toBe(Number(value));
      }),
    );
    expect(decodeInt8AsNumber(...field('9223372036854775807'))).toBe(2 ** 63);
  });
});
