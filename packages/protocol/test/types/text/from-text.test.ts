import { describe, expect, it } from 'vitest';
import { jsonbConverter } from '../../../src/types/json/from-text.ts';
import { charConverter, nameConverter, textConverter } from '../../../src/types/text/from-text.ts';
import { hexOf, messageOf, toHex } from '../input/support/convert.ts';

const hex = (text: string) => toHex(new TextEncoder().encode(text));

describe('text-like types', () => {
  it('copy the bytes unchanged (the server checks encoding, length and labels on receipt)', () => {
    const text = textConverter('varchar');
    for (const value of ['', ' spaced ', 'ünïcödé 😀', 'a'.repeat(500), '\\x41', 'NULL']) {
      expect(hexOf(text, value)).toBe(hex(value));
    }
  });

  it('jsonb: version 1, then the text', () => {
    expect(hexOf(jsonbConverter, '{"a": 1}')).toBe(`01${hex('{"a": 1}')}`);
  });
});

describe('name', () => {
  it('keeps up to 63 bytes, never cutting a character', () => {
    expect(hexOf(nameConverter, 'x'.repeat(63))).toBe(hex('x'.repeat(63)));
    expect(hexOf(nameConverter, 'x'.repeat(70))).toBe(hex('x'.repeat(63)));
    expect(hexOf(nameConverter, `${'x'.repeat(62)}é`)).toBe(hex('x'.repeat(62)));
    expect(hexOf(nameConverter, `${'x'.repeat(61)}😀z`)).toBe(hex('x'.repeat(61)));
    expect(hexOf(nameConverter, 'é'.repeat(40))).toBe(hex('é'.repeat(31)));
  });
});

describe('"char"', () => {
  const char = charConverter(true);

  it('takes the first byte, NUL for empty text, and (15+) a \\ooo escape', () => {
    expect(hexOf(char, 'ab')).toBe('61');
    expect(hexOf(char, '')).toBe('00');
    expect(hexOf(char, 'é')).toBe('c3');
    expect(hexOf(char, '\\101')).toBe('41');
    expect(hexOf(char, '\\777')).toBe('ff');
    expect(hexOf(char, '\\18')).toBe('5c');
    expect(hexOf(charConverter(false), '\\101')).toBe('5c');
    expect(messageOf(charConverter(undefined), '\\101')).toMatch(/^cannot convert/);
  });
});
