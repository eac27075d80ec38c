import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float4Codec, float8Codec } from '../../../src/types/floats/binary.ts';
import { decode, encode } from '../../support/binary-codec.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('floats', () => {
  it('keeps NaN, ±Infinity and -0 exactly', () => {
    for (const codec of [float4Codec, float8Codec]) {
      for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0]) {
        expect(Object.is(decode(codec, encode(codec, value)), value)).toBe(true);
      }
    }
    expect(hex(encode(float8Codec, -0))).toBe('8000000000000000');
    expect(hex(encode(float8Codec, 1))).toBe('3ff0000000000000');
    expect(hex(encode(float4Codec, 1))).toBe('3f800000');
  });

  it('round-trips every double through float8', () => {
    fc.assert(
      fc.property(fc.double(), (n) => Object.is(decode(float8Codec, encode(float8Codec, n)), n)),
      { numRuns: 2000 },
    );
  });

  it('round-trips every float through float4 exactly', () => {
    fc.assert(
      fc.property(fc.float(), (n) => Object.is(decode(float4Codec, encode(float4Codec, n)), n)),
      { numRuns: 2000 },
    );
  });

  it('reads float syntax from strings, as float8in does', () => {
    expect(decode(float8Codec, encode(float8Codec, ' 1.5e3 '))).toBe(1500);
    expect(decode(float8Codec, encode(float8Codec, '-Infinity'))).toBe(Number.NEGATIVE_INFINITY);
    expect(decode(float8Codec, encode(float8Codec, 'nan'))).toBeNaN();
    expect(() => encode(float8Codec, '1e400')).toThrow('out of range for float8');
    expect(() => encode(float8Codec, '1e-400')).toThrow('out of range for float8');
    expect(() => encode(float8Codec, 'abc')).toThrow('invalid input syntax for float8');
    expect(() => encode(float8Codec, 1n)).toThrow('float8 expects a number');
  });

  it('refuses values float4 cannot hold instead of storing infinity or zero', () => {
    expect(() => encode(float4Codec, 1e39)).toThrow('value out of range for float4: overflow');
    expect(() => encode(float4Codec, 1e-50)).toThrow('value out of range for float4: underflow');
    expect(decode(float4Codec, encode(float4Codec, 0.1))).toBe(Math.fround(0.1));
  });
});
