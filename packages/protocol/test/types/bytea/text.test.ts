import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors.ts';
import { decodeBytea, encodeBytea } from '../../../src/types/bytea/text.ts';
import { paddedField } from '../support/field.ts';

const field = (text: string) => paddedField(text, 0x30);

describe('bytea', () => {
  it('decodes hex output', () => {
    expect(decodeBytea(...field('\\xdeadBEEF00'))).toEqual(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0]));
    expect(decodeBytea(...field('\\x'))).toEqual(new Uint8Array(0));
  });

  it('decodes escape output (bytea_output = escape)', () => {
    expect(decodeBytea(...field('a\\\\b\\000\\377'))).toEqual(new Uint8Array([0x61, 0x5c, 0x62, 0, 255]));
    expect(decodeBytea(...field(''))).toEqual(new Uint8Array(0));
  });

  it('returns a copy, not a view of the row', () => {
    const [bytes, start, end] = field('\\x01');
    const value = decodeBytea(bytes, start, end);
    bytes.fill(0);
    expect(value).toEqual(new Uint8Array([1]));
  });

  it('rejects malformed text', () => {
    expect(() => decodeBytea(...field('\\x123'))).toThrow(ProtocolError);
    expect(() => decodeBytea(...field('\\xzz'))).toThrow(ProtocolError);
    expect(() => decodeBytea(...field('a\\9'))).toThrow(ProtocolError);
  });

  it('encodes hex, short and long', () => {
    expect(encodeBytea(new Uint8Array([0, 15, 16, 255]))).toBe('\\x000f10ff');
    expect(encodeBytea(new Uint8Array(0))).toBe('\\x');
    expect(encodeBytea(new Uint8Array(100).fill(0xab))).toBe(`\\x${'ab'.repeat(100)}`);
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (value) => {
        expect(decodeBytea(...field(encodeBytea(value)))).toEqual(value);
      }),
    );
  });
});
