import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integerConverter } from '../../../src/types/integers/from-text.ts';
import { oidConverter } from '../../../src/types/integers/oid-from-text.ts';
import { hexOf, int32Hex, int64Hex, messageOf } from '../input/support/convert.ts';

const PG15 = { timeZone: 'UTC', serverVersion: 150_004 };
const PG16 = { timeZone: 'UTC', serverVersion: 160_000 };
const UNKNOWN = { timeZone: 'UTC' };

describe('int2 / int4', () => {
  const int2 = integerConverter('int2', PG15);
  const int4 = integerConverter('int4', PG15);

  it('reads decimal text with sign and surrounding whitespace', () => {
    expect(hexOf(int4, '12')).toBe('0000000c');
    expect(hexOf(int4, '-1')).toBe('ffffffff');
    expect(hexOf(int4, '+7')).toBe('00000007');
    expect(hexOf(int4, ' \t42\n ')).toBe('0000002a');
    expect(hexOf(int4, '-0')).toBe('00000000');
    expect(hexOf(int4, '000000000000000000000012')).toBe('0000000c');
    expect(hexOf(int2, '-32768')).toBe('8000');
  });

  it('checks the range, with the server message', () => {
    expect(hexOf(int2, '32767')).toBe('7fff');
    expect(messageOf(int2, '32768')).toBe('value "32768" is out of range for type smallint');
    expect(messageOf(int2, '-32769')).toBe('value "-32769" is out of range for type smallint');
    expect(hexOf(int4, '2147483647')).toBe('7fffffff');
    expect(hexOf(int4, '-2147483648')).toBe('80000000');
    expect(messageOf(int4, '2147483648')).toBe('value "2147483648" is out of range for type integer');
    expect(messageOf(int4, '99999999999999999999999x')).toMatch(/out of range/);
  });

  it.each(['', ' ', '-', '+', '12x', 'x12', '1.5', '1e3', '1 2', '- 1', '++1', '٣'])('refuses %j', (text) => {
    expect(messageOf(int4, text)).toBe(`invalid input syntax for type integer: "${text}"`);
  });

  it("reads PostgreSQL 16's forms only for 16 and later", () => {
    const int4v16 = integerConverter('int4', PG16);
    expect(hexOf(int4v16, '1_000')).toBe(int32Hex(1000));
    expect(hexOf(int4v16, '0x1F')).toBe(int32Hex(31));
    expect(hexOf(int4v16, '-0x80000000')).toBe('80000000');
    expect(hexOf(int4v16, '0o17')).toBe(int32Hex(15));
    expect(hexOf(int4v16, '0b101')).toBe(int32Hex(5));
    expect(hexOf(int4v16, '0x_1F')).toBe(int32Hex(31));
    for (const bad of ['_1', '1_', '1__0', '0x', '0b102'])
      expect(messageOf(int4v16, bad)).toMatch(/invalid input syntax/);
    expect(messageOf(int4, '1_000')).toBe('invalid input syntax for type integer: "1_000"');
    expect(messageOf(integerConverter('int4', UNKNOWN), '1_000')).toMatch(
      /^cannot convert "1_000" to integer.*copyFormat: 'text'/,
    );
    expect(messageOf(integerConverter('int4', UNKNOWN), '1__000')).toMatch(/invalid input syntax/);
  });

  it('matches String() for any int4', () => {
    fc.assert(
      fc.property(fc.integer(), (value) => {
        expect(hexOf(int4, String(value))).toBe(int32Hex(value));
      }),
    );
  });
});

describe('int8', () => {
  const int8 = integerConverter('int8', PG15);

  it('reads the whole range, exactly', () => {
    expect(hexOf(int8, '9223372036854775807')).toBe('7fffffffffffffff');
    expect(hexOf(int8, '-9223372036854775808')).toBe('8000000000000000');
    expect(hexOf(int8, '1234567890123456789')).toBe(int64Hex(1234567890123456789n));
    expect(hexOf(int8, ' -42 ')).toBe(int64Hex(-42n));
    expect(hexOf(int8, '-000000000000000000000000001')).toBe(int64Hex(-1n));
    expect(messageOf(int8, '9223372036854775808')).toBe(
      'value "9223372036854775808" is out of range for type bigint',
    );
    expect(messageOf(int8, '-9223372036854775809')).toMatch(/out of range for type bigint/);
    expect(messageOf(int8, '12a')).toBe('invalid input syntax for type bigint: "12a"');
  });

  it('matches BigInt for any int8 (with whitespace and plus signs)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.boolean(), (value, padded) => {
        const text = padded ? ` ${value >= 0n ? '+' : ''}${value} ` : String(value);
        expect(hexOf(int8, text)).toBe(int64Hex(value));
      }),
    );
  });
});

describe('oid', () => {
  const oid = oidConverter(PG15);

  it('reads unsigned 32-bit values; a minus sign wraps as strtoul does', () => {
    expect(hexOf(oid, '4294967295')).toBe('ffffffff');
    expect(hexOf(oid, '-1')).toBe('ffffffff');
    expect(hexOf(oid, '-2147483648')).toBe('80000000');
    expect(hexOf(oid, '18446744073709551615')).toBe('ffffffff');
    expect(hexOf(oid, ' +5 ')).toBe('00000005');
    expect(messageOf(oid, '4294967296')).toBe('value "4294967296" is out of range for type oid');
    expect(messageOf(oid, '-2147483649')).toMatch(/out of range for type oid/);
    expect(messageOf(oid, '18446744073709551616')).toMatch(/out of range for type oid/);
    expect(messageOf(oid, 'x')).toBe('invalid input syntax for type oid: "x"');
    expect(messageOf(oid, '')).toBe('invalid input syntax for type oid: ""');
  });

  it('reads leading zeros as the server version does', () => {
    expect(hexOf(oid, '010')).toBe(int32Hex(10));
    expect(messageOf(oid, '0x10')).toMatch(/invalid input syntax/);
    expect(hexOf(oidConverter(PG16), '010')).toBe(int32Hex(8));
    expect(hexOf(oidConverter(PG16), '0x10')).toBe(int32Hex(16));
    expect(messageOf(oidConverter(UNKNOWN), '010')).toMatch(/^cannot convert/);
    expect(hexOf(oidConverter(UNKNOWN), '0')).toBe('00000000');
  });
});
