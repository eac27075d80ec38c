import { describe, expect, it } from 'vitest';
import { numericConverter } from '../../../src/types/numeric/index.ts';
import { hexOf, messageOf } from '../input/support/convert.ts';

const PG15 = { timeZone: 'UTC', serverVersion: 150_004 };
const PG16 = { timeZone: 'UTC', serverVersion: 160_000 };

describe('numeric', () => {
  const numeric = numericConverter(PG15);

  it('writes ndigits, weight, sign, dscale and base-10000 groups', () => {
    // 123.4500: groups 0123 4500, weight 0, dscale 4
    expect(hexOf(numeric, '123.4500')).toBe('0002000000000004007b1194');
    expect(hexOf(numeric, '12345678.9')).toBe('000300010000000104d2162e2328');
    expect(hexOf(numeric, '0.000123')).toBe('0002ffff00000006000108fc');
    expect(hexOf(numeric, '1e5')).toBe('0001000100000000000a');
    expect(hexOf(numeric, '-1.5e3')).toBe('00010000400000000' + '5dc'.padStart(3, '0'));
    expect(hexOf(numeric, ' -0.00 ')).toBe('0000000000000002');
    expect(hexOf(numeric, '.5')).toBe('0001ffff000000011388');
    expect(hexOf(numeric, '5.')).toBe('00010000000000000005');
  });

  it('writes NaN and the infinities without digits', () => {
    expect(hexOf(numeric, ' NaN ')).toBe('00000000c0000000');
    expect(hexOf(numeric, 'Infinity')).toBe('00000000d0000000');
    expect(hexOf(numeric, '-inf')).toBe('00000000f0000000');
    expect(messageOf(numeric, '+NaN')).toBe('invalid input syntax for type numeric: "+NaN"');
  });

  it('refuses bad syntax and values beyond the format', () => {
    for (const text of ['', '.', '-', '1e', '1e+', '1.2.3', '1 2', 'abc', '1e5.5']) {
      expect(messageOf(numeric, text)).toBe(`invalid input syntax for type numeric: "${text}"`);
    }
    expect(messageOf(numeric, '1e131072')).toBe('value overflows numeric format');
    expect(messageOf(numeric, '1e-16384')).toBe('value overflows numeric format');
    expect(hexOf(numeric, '1e131071').slice(0, 16)).toBe('00017fff00000000');
  });

  it('follows the server version where input syntax changed', () => {
    expect(hexOf(numeric, '1e 5')).toBe('0001000100000000000a');
    expect(messageOf(numericConverter(PG16), '1e 5')).toMatch(/invalid input syntax/);
    expect(hexOf(numericConverter(PG16), '1_000.5')).toBe(hexOf(numeric, '1000.5'));
    expect(messageOf(numeric, '1_000')).toMatch(/invalid input syntax/);
    expect(messageOf(numericConverter({ timeZone: 'UTC' }), '1_000')).toMatch(/^cannot convert/);
    expect(messageOf(numericConverter(PG16), '0x1f')).toMatch(/^cannot convert .*hexadecimal/);
    expect(messageOf(numeric, '0x1f')).toMatch(/invalid input syntax/);
  });
});
