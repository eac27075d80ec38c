import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonbCodec, jsonCodec } from '../../../src/types/json/binary.ts';
import { encode, roundTrip } from '../../support/binary-codec.ts';

describe('json and jsonb', () => {
  it('jsonb is a version byte and the text; json the text alone', () => {
    expect([...encode(jsonbCodec, { a: 1 })]).toEqual([1, ...Buffer.from('{"a":1}')]);
    expect(Buffer.from(encode(jsonCodec, '[1, 2]')).toString()).toBe('[1, 2]');
  });

  it('round-trip JSON values, unicode included', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (generated) => {
        // A string is taken as JSON text: a JSON string value goes in as its quoted form.
        const value = typeof generated === 'string' ? JSON.stringify(generated) : generated;
        // jsonValue can hold -0, which JSON text writes as 0.
        const normal = JSON.parse(JSON.stringify(generated));
        expect(roundTrip(jsonCodec, value)).toEqual(normal);
        if (!JSON.stringify(generated).includes('\\u0000'))
          expect(roundTrip(jsonbCodec, value)).toEqual(normal);
      }),
    );
    expect(roundTrip(jsonbCodec, { emoji: '😀', é: 'ü' })).toEqual({ emoji: '😀', é: 'ü' });
  });

  it('take a string as JSON text, and check it', () => {
    expect(roundTrip(jsonbCodec, '"hello"')).toBe('hello');
    expect(() => encode(jsonbCodec, 'hello')).toThrow('invalid input syntax for jsonb');
    expect(() => encode(jsonCodec, '{"a":')).toThrow('invalid input syntax for json');
  });

  it('refuse values with no JSON form', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encode(jsonCodec, cycle)).toThrow('cannot serialize Object as JSON');
    expect(() => encode(jsonCodec, { big: 1n })).toThrow('cannot serialize Object as JSON');
    expect(() => encode(jsonCodec, () => 1)).toThrow('function has no JSON form');
  });

  it('jsonb refuses \\u0000 and unpaired surrogates; json keeps them', () => {
    expect(() => encode(jsonbCodec, ['a\0b'])).toThrow('jsonb cannot hold the escape \\u0000');
    expect(() => encode(jsonbCodec, '"\\ud800"')).toThrow('unpaired UTF-16 surrogate');
    expect(() => encode(jsonbCodec, '"\\udc00\\ud800"')).toThrow('unpaired UTF-16 surrogate');
    expect(() => encode(jsonbCodec, '"\\ud800x"')).toThrow('unpaired UTF-16 surrogate');
    expect(() => encode(jsonbCodec, { s: '\ud800' })).toThrow('unpaired UTF-16 surrogate');
    expect(roundTrip(jsonbCodec, '"\\ud83d\\ude00 \\\\u0000"')).toBe('😀 \\u0000');
    expect(roundTrip(jsonCodec, '"\\u0000"')).toBe('\0');
  });

  it('jsonb checks its version byte', () => {
    expect(() => jsonbCodec.decode(new Uint8Array([2, 0x31]), 0, 2)).toThrow(
      'unsupported binary format version 2',
    );
  });
});
