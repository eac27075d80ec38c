import { describe, expect, it } from 'vitest';
import { decodeBool, encodeBool } from '../../../src/types/bool/text.ts';
import { decodeJson } from '../../../src/types/json/text.ts';
import { paddedField } from '../support/field.ts';

const field = (text: string) => paddedField(text, 0x20);

describe('json', () => {
  it.each([
    ['{"a": [1, 2.5, null, true], "é": "日本"}', { a: [1, 2.5, null, true], é: '日本' }],
    ['"text"', 'text'],
    ['null', null],
    ['12', 12],
    ['[]', []],
  ])('%s', (text, value) => {
    expect(decodeJson(...field(text))).toEqual(value);
  });
});

describe('bool', () => {
  it('decodes t and f', () => {
    expect(decodeBool(...field('t'))).toBe(true);
    expect(decodeBool(...field('f'))).toBe(false);
  });

  it('encodes as t and f', () => {
    expect(encodeBool(true)).toBe('t');
    expect(encodeBool(false)).toBe('f');
  });
});
