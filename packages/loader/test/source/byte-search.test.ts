/** The runtime's fastest byte search answers as Uint8Array.prototype.indexOf does, on views at any offset. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexOfByte } from '../../src/source/byte-search.ts';

describe('indexOfByte', () => {
  it('agrees with Uint8Array.prototype.indexOf', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.nat({ max: 70 }),
        fc.nat({ max: 8 }),
        fc.constantFrom(0x0a, 0x0d, 0x22, 0x00, 0xff),
        (bytes, from, offset, byte) => {
          const view = bytes.subarray(Math.min(offset, bytes.length));
          expect(indexOfByte.call(view, byte, from)).toBe(view.indexOf(byte, from));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
