import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAscii, decodeText } from '../../../src/types/text/text.ts';
import { paddedField } from '../support/field.ts';

/** The value's bytes inside a larger buffer, so a decoder reading past its range shows. */
const field = (text: string) => paddedField(text, 0x7a, 3);

describe('decodeText', () => {
  it.each([
    '',
    'a',
    'hello',
    'exactly12chr',
    'thirteen char',
    'a'.repeat(100),
    'é',
    'naïve café',
    '日本語',
    '😀x',
  ])('decodes %j within its range', (text) => {
    expect(decodeText(...field(text))).toBe(text);
  });

  it('keeps a leading U+FEFF, which is data and not a byte-order mark', () => {
    expect(decodeText(...field('\uFEFFx'))).toBe('\uFEFFx');
  });

  it('replaces invalid UTF-8 with U+FFFD', () => {
    expect(decodeText(new Uint8Array([0x61, 0xff, 0x62]), 0, 3)).toBe('a\uFFFDb');
  });

  it('round-trips any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(decodeText(...field(text))).toBe(text);
      }),
    );
  });
});

describe('decodeAscii', () => {
  it.each(['', '42', '-9223372036854775808', 'x'.repeat(40)])('decodes %j', (text) => {
    expect(decodeAscii(...field(text))).toBe(text);
  });
});
