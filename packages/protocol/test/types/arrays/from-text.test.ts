import { describe, expect, it } from 'vitest';
import { converterFor, hexOf, int32Hex, messageOf, toHex } from '../input/support/convert.ts';

const SESSION = { timeZone: 'UTC', serverVersion: 170_000 };
const int4s = converterFor('_int4', SESSION)!;
const texts = converterFor('_text', SESSION)!;

/** array_send's bytes for a 1-D array of the given element payloads (null for NULL). */
function array(oid: number, elements: (string | null)[]): string {
  const header = int32Hex(1) + int32Hex(elements.includes(null) ? 1 : 0) + int32Hex(oid);
  const body = elements.map((hex) => (hex === null ? int32Hex(-1) : int32Hex(hex.length / 2) + hex)).join('');
  return header + int32Hex(elements.length) + int32Hex(1) + body;
}

const utf8 = (text: string) => toHex(new TextEncoder().encode(text));

describe('arrays', () => {
  it('writes the header, dimension and elements', () => {
    expect(hexOf(int4s, '{1,2,3}')).toBe(array(23, [int32Hex(1), int32Hex(2), int32Hex(3)]));
    expect(hexOf(int4s, ' { 1 , NULL } ')).toBe(array(23, [int32Hex(1), null]));
    expect(hexOf(int4s, '{}')).toBe(int32Hex(0) + int32Hex(0) + int32Hex(23));
    expect(hexOf(int4s, '{ }')).toBe(int32Hex(0) + int32Hex(0) + int32Hex(23));
  });

  it('reads quoting, escapes, NULL and whitespace as array_in does', () => {
    expect(hexOf(texts, '{"a b", c d ,"NULL",null,"",\\,x,"q\\"q", \\ y\\ }')).toBe(
      array(25, [utf8('a b'), utf8('c d'), utf8('NULL'), null, '', utf8(',x'), utf8('q"q'), utf8(' y ')]),
    );
  });

  it('converts each element with its type', () => {
    expect(messageOf(int4s, '{1,x}')).toBe('invalid input syntax for type integer: "x"');
    expect(messageOf(int4s, '{2147483648}')).toBe('value "2147483648" is out of range for type integer');
  });

  it.each(['', '1,2', '{', '{1', '{1,}', '{,1}', '{1,,2}', '{1}x', '{"1"x}', '{1"2"}', '{a{b}'])(
    'refuses %j as malformed',
    (text) => {
      expect(messageOf(int4s, text)).toBe(`malformed array literal: "${text}"`);
    },
  );

  it('leaves more dimensions and explicit bounds to the server', () => {
    expect(messageOf(int4s, '{{1,2},{3,4}}')).toMatch(/^cannot convert .*more than one dimension/);
    expect(messageOf(int4s, '[0:1]={1,2}')).toMatch(/^cannot convert .*explicit array bounds/);
  });
});
