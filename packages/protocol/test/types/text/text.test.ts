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
    'x'.repeat(24),
    'x'.repeat(25),
    `${'x'.repeat(23)}é`,
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

  it('gives exactly what TextDecoder gives for any bytes, invalid UTF-8 included', () => {
    const oracle = new TextDecoder('utf-8', { ignoreBOM: true });
    // Short runs (the ASCII fast path and its bailout) and long ones; bytes biased to ASCII, with
    // lead, continuation and never-valid bytes (0xc0, 0xf5..0xff) mixed in.
    const byte = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }),
      fc.integer({ min: 0x80, max: 0xff }),
      fc.constantFrom(0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 60 }), fc.nat(4), fc.nat(4), (values, before, after) => {
        const bytes = new Uint8Array(before + values.length + after).fill(0x7a);
        bytes.set(values, before);
        const expected = oracle.decode(new Uint8Array(values));
        expect(decodeText(bytes, before, before + values.length)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
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
  it.each(['', '42', '-9223372036854775808', 'x'.repeat(24), 'x'.repeat(25), 'x'.repeat(40)])(
    'decodes %j',
    (text) => {
      expect(decodeAscii(...field(text))).toBe(text);
    },
  );
});
