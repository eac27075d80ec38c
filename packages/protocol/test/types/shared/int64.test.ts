import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { putInt64MulAdd, putMicros } from '../../../src/types/shared/int64.ts';
import { int64Hex, toHex } from '../input/support/convert.ts';

function written(write: (bytes: Uint8Array) => void): string {
  const bytes = new Uint8Array(8);
  write(bytes);
  return toHex(bytes);
}

describe('int64 writes without BigInt', () => {
  it('a · 10^9 + b, either sign, across the int8 range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n }), fc.boolean(), (magnitude, negative) => {
        fc.pre(negative || magnitude < 2n ** 63n);
        const a = Number(magnitude / 1_000_000_000n);
        const b = Number(magnitude % 1_000_000_000n);
        const expected = int64Hex(negative ? -magnitude : magnitude);
        expect(written((bytes) => putInt64MulAdd(bytes, 0, a, 1_000_000_000, b, negative))).toBe(expected);
      }),
    );
  });

  it('seconds · 10^6 + µs across the timestamp range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -211_813_488_000, max: 9_223_371_331_199 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (seconds, micros) => {
          const expected = int64Hex(BigInt(seconds) * 1_000_000n + BigInt(micros));
          expect(written((bytes) => putMicros(bytes, 0, seconds, micros))).toBe(expected);
        },
      ),
    );
  });
});
