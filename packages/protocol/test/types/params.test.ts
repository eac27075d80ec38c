import { describe, expect, it } from 'vitest';
import { EncodeError } from '../../src/errors.ts';
import { paramTypeOid, serializeParam } from '../../src/types/params.ts';

describe('serializeParam', () => {
  it.each<[string, unknown, string | null]>([
    ['null', null, null],
    ['undefined', undefined, null],
    ['string', 'héllo', 'héllo'],
    ['empty string', '', ''],
    ['integer', 42, '42'],
    ['float', 1.5, '1.5'],
    ['-0', -0, '-0'],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['-Infinity', Number.NEGATIVE_INFINITY, '-Infinity'],
    ['bigint', -9223372036854775808n, '-9223372036854775808'],
    ['true', true, 't'],
    ['false', false, 'f'],
    ['Date', new Date(Date.UTC(2024, 0, 15, 10, 20, 30, 123)), '2024-01-15T10:20:30.123Z'],
    ['Uint8Array', new Uint8Array([0xde, 0xad]), '\\xdead'],
    ['object', { a: 'é', b: [1, null] }, '{"a":"é","b":[1,null]}'],
    ['null-prototype object', Object.assign(Object.create(null), { a: 1 }), '{"a":1}'],
    ['object with toJSON', { toJSON: () => ({ x: 1 }) }, '{"x":1}'],
    ['empty array', [], '{}'],
    ['int array', [1, null, -0, 2.5], '{1,NULL,-0,2.5}'],
    ['bigint and bool array', [1n, true, false], '{1,t,f}'],
    [
      'text array',
      ['a', 'NULL', '', 'x"y', 'a\\b', 'c,d', '{}', undefined],
      '{"a","NULL","","x\\"y","a\\\\b","c,d","{}",NULL}',
    ],
    [
      '2-D array',
      [
        [1, 2],
        [3, null],
      ],
      '{{1,2},{3,NULL}}',
    ],
    ['bytea array', [new Uint8Array([1])], '{"\\\\x01"}'],
    ['Date array', [new Date(0)], '{"1970-01-01T00:00:00.000Z"}'],
    ['json array elements', [{ a: '"' }], '{"{\\"a\\":\\"\\\\\\"\\"}"}'],
  ])('%s', (_name, value, text) => {
    expect(serializeParam(value, 1)).toBe(text);
  });

  function encodeError(value: unknown, index: number): EncodeError {
    try {
      serializeParam(value, index);
    } catch (error) {
      expect(error).toBeInstanceOf(EncodeError);
      return error as EncodeError;
    }
    throw new Error('expected an EncodeError');
  }

  it.each<[string, unknown, RegExp]>([
    ['function', () => 1, /\$3: .*type function/],
    ['symbol', Symbol('s'), /\$3: .*type symbol/],
    ['Map', new Map(), /\$3: .*type Map/],
    ['Promise', Promise.resolve(1), /\$3: .*type Promise.*await/],
    ['Float64Array', new Float64Array(1), /\$3: .*type Float64Array/],
    ['Invalid Date', new Date(Number.NaN), /\$3: Invalid Date/],
    ['NUL in a string', 'a\0b', /\$3: .*NUL/],
    ['NUL in an array element', ['ok', 'a\0b'], /\$3: .*NUL/],
    ['function in an array', [1, () => 1], /\$3: .*type function/],
    [
      'cyclic object',
      (() => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      })(),
      /\$3: .*JSON/,
    ],
    ['bigint inside JSON', { n: 1n }, /\$3: .*JSON/],
    ['toJSON returning undefined', { toJSON: () => undefined }, /\$3: toJSON/],
    ['7-D array', [[[[[[[1]]]]]]], /\$3: .*6 dimensions/],
  ])('rejects %s, naming the 1-based index', (_name, value, message) => {
    const error = encodeError(value, 3);
    expect(error.parameter).toBe(3);
    expect(error.message).toMatch(message);
  });
});

describe('paramTypeOid', () => {
  it('declares bytea for Uint8Array and lets the server infer the rest', () => {
    expect(paramTypeOid(new Uint8Array(1))).toBe(17);
    for (const value of [null, 'x', 1, 1n, true, new Date(), [1], { a: 1 }])
      expect(paramTypeOid(value)).toBe(0);
  });
});
