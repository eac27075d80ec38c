import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFloat } from '../../../src/types/floats/text.ts';
import { paddedField } from '../support/field.ts';

const field = (text: string) => paddedField(text, 0x39);

describe('decodeFloat', () => {
  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['-0', -0],
    ['0', 0],
    ['1.5e-07', 1.5e-7],
    ['1e+308', 1e308],
    ['1.7976931348623157e+308', Number.MAX_VALUE],
    ['5e-324', Number.MIN_VALUE],
    ['0.1', 0.1],
  ])('%s', (text, value) => {
    expect(Object.is(decodeFloat(...field(text)), value)).toBe(true);
  });

  it('reads back any double written in shortest form', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        // The server writes -0 with its sign, which String() drops.
        const text = Object.is(value, -0) ? '-0' : String(value);
        expect(Object.is(decodeFloat(...field(text)), value)).toBe(true);
      }),
    );
  });
});
