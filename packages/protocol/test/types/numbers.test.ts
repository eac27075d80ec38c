import { describe, expect, it } from 'vitest';
import { decodeNumeric } from '../../src/types/numbers.ts';

const encoder = new TextEncoder();

function field(text: string): [Uint8Array, number, number] {
  const body = encoder.encode(text);
  const bytes = new Uint8Array(body.length + 4).fill(0x39);
  bytes.set(body, 2);
  return [bytes, 2, 2 + body.length];
}

describe('decodeNumeric', () => {
  it.each(['0', '-1.50', 'NaN', 'Infinity', '-Infinity', `${'9'.repeat(100)}.${'1'.repeat(50)}`])(
    'keeps %s as text',
    (text) => {
      expect(decodeNumeric(...field(text))).toBe(text);
    },
  );
});
