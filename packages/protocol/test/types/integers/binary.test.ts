import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { int2Codec, int4Codec, int8Codec } from '../../../src/types/integers/binary.ts';
import { ValueError } from '../../../src/types/shared/codec.ts';
import { decode, encode } from '../../support/binary-codec.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('integers', () => {
  it.each([
    [int2Codec, -32768, '8000'],
    [int2Codec, 32767, '7fff'],
    [int2Codec, -1, 'ffff'],
    [int4Codec, -2147483648, '80000000'],
    [int4Codec, 2147483647, '7fffffff'],
    [int4Codec, '  -42 ', 'ffffffd6'],
    [int4Codec, 7n, '00000007'],
    [int8Codec, -1, 'ffffffffffffffff'],
    [int8Codec, Number.MAX_SAFE_INTEGER, '001fffffffffffff'],
    [int8Codec, Number.MIN_SAFE_INTEGER, 'ffe0000000000001'],
    [int8Codec, -(2n ** 63n), '8000000000000000'],
    [int8Codec, 2n ** 63n - 1n, '7fffffffffffffff'],
    [int8Codec, '-9223372036854775808', '8000000000000000'],
    [int8Codec, -4294967296, 'ffffffff00000000'],
    [int8Codec, 4294967296, '0000000100000000'],
  ] as const)('%o encodes %s', (codec, value, expected) => {
    expect(hex(encode(codec, value))).toBe(expected);
  });

  it.each([
    [int2Codec, 32768, 'integer out of range for int2 (-32768..32767)'],
    [int4Codec, 2147483648, 'integer out of range for int4 (-2147483648..2147483647)'],
    [int4Codec, 1.5, 'int4 expects an integer, not 1.5'],
    [int4Codec, Number.NaN, 'int4 expects an integer, not NaN'],
    [int4Codec, '12abc', 'invalid input syntax for int4'],
    [int4Codec, 2n ** 31n, 'integer out of range for int4'],
    [int4Codec, true, 'int4 expects a number, bigint or decimal string, not boolean'],
    [int8Codec, 2 ** 53, 'beyond ±2^53'],
    [int8Codec, 2n ** 63n, 'integer out of range for int8'],
    [int8Codec, '9223372036854775808', 'integer out of range for int8'],
    [int8Codec, Number.POSITIVE_INFINITY, 'int8 expects an integer'],
    [int8Codec, '', 'invalid input syntax for int8'],
  ] as const)('%o refuses %s', (codec, value, message) => {
    expect(() => encode(codec, value)).toThrow(ValueError);
    expect(() => encode(codec, value)).toThrow(message);
  });

  it('writes -0 as 0', () => {
    expect(hex(encode(int8Codec, -0))).toBe('0000000000000000');
    expect(hex(encode(int4Codec, -0))).toBe('00000000');
  });

  it('round-trips int2, int4', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -32768, max: 32767 }),
        (n) => decode(int2Codec, encode(int2Codec, n)) === n,
      ),
    );
    fc.assert(fc.property(fc.integer(), (n) => decode(int4Codec, encode(int4Codec, n)) === n));
  });

  it('round-trips int8 from bigint, safe number and string alike', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
        expect(decode(int8Codec, encode(int8Codec, n))).toBe(n);
        expect(decode(int8Codec, encode(int8Codec, String(n)))).toBe(n);
      }),
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(hex(encode(int8Codec, n))).toBe(hex(encode(int8Codec, BigInt(n))));
        expect(decode(int8Codec, encode(int8Codec, n))).toBe(BigInt(n));
      }),
    );
  });

  it('refuses a field of the wrong size', () => {
    expect(() => int4Codec.decode(new Uint8Array(8), 0, 8)).toThrow('int4: expected 4 bytes');
  });
});
