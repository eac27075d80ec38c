import { describe, expect, it } from 'vitest';
import { decodeNumeric } from '../../../src/types/numeric/index.ts';
import { paddedField } from '../support/field.ts';

const field = (text: string) => paddedField(text, 0x39);

describe('decodeNumeric', () => {
  it.each(['0', '-1.50', 'NaN', 'Infinity', '-Infinity', `${'9'.repeat(100)}.${'1'.repeat(50)}`])(
    'keeps %s as text',
    (text) => {
      expect(decodeNumeric(...field(text))).toBe(text);
    },
  );
});
