import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteaConverter } from '../../../src/types/bytea/from-text.ts';
import { hexOf, messageOf, toHex } from '../input/support/convert.ts';

describe('bytea', () => {
  it('reads hex format, with whitespace between pairs', () => {
    expect(hexOf(byteaConverter, '\\x')).toBe('');
    expect(hexOf(byteaConverter, '\\xDEADbeef')).toBe('deadbeef');
    expect(hexOf(byteaConverter, '\\x 00 ff\n\t10\r')).toBe('00ff10');
    expect(messageOf(byteaConverter, '\\x0')).toBe('invalid hexadecimal data: odd number of digits');
    expect(messageOf(byteaConverter, '\\x0 0')).toBe('invalid hexadecimal digit: " "');
    expect(messageOf(byteaConverter, '\\xg0')).toBe('invalid hexadecimal digit: "g"');
    expect(messageOf(byteaConverter, '\\xé0')).toBe('invalid hexadecimal digit: "é"');
  });

  it('reads escape format', () => {
    expect(hexOf(byteaConverter, 'abc')).toBe('616263');
    expect(hexOf(byteaConverter, 'a\\\\b')).toBe('615c62');
    expect(hexOf(byteaConverter, '\\001\\377')).toBe('01ff');
    for (const bad of ['\\', 'a\\b', '\\400', '\\38', '\\3', '\\X00']) {
      expect(messageOf(byteaConverter, bad)).toBe('invalid input syntax for type bytea');
    }
  });

  it('round-trips any bytes through hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(hexOf(byteaConverter, `\\x${toHex(bytes)}`)).toBe(toHex(bytes));
      }),
    );
  });
});
