/** The four-bytes-at-a-time skip finds exactly the byte a one-at-a-time scan would. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { resolveDialect } from '../../src/source/dialect.ts';
import { RowScanner, skipOrdinary } from '../../src/source/row-scanner.ts';

/** Exposes a scanner's byte classes and skip parameters. */
class Probe extends RowScanner {
  scan(): number {
    return 0;
  }
  with(bytes: number[]): this {
    for (const b of bytes) this.classify(b, 2);
    return this;
  }
  run(data: Uint8Array, at: number): { fast: number; slow: number } {
    const words = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let slow = at;
    while (slow < data.length && this.classes[data[slow]!] === 0) slow++;
    const { lowMax, lowBias, exact, exactPattern } = this.skip;
    const fast = skipOrdinary(
      data,
      words,
      at,
      data.length,
      lowMax,
      lowBias,
      exact,
      exactPattern,
      this.classes,
    );
    return { fast, slow };
  }
}

it('agrees with a byte-by-byte scan for any special bytes and any data', () => {
  const special = fc.constantFrom(0x09, 0x2c, 0x3b, 0x7c, 0x5c, 0x22, 0x27, 0x7e, 0x20, 0x00, 0x7f, 0x41);
  fc.assert(
    fc.property(
      fc.constantFrom(',', '\t', ';', '|', '~', '\x01'),
      fc.array(special, { maxLength: 2 }),
      fc.uint8Array({ maxLength: 64 }),
      fc.nat({ max: 8 }),
      fc.nat({ max: 3 }),
      (delimiter, extra, bytes, at, offset) => {
        const probe = new Probe(resolveDialect({ kind: 'csv', delimiter }));
        probe.with(extra);
        // A view at an odd offset, as chunks from a stream are.
        const data = new Uint8Array(bytes.length + offset).subarray(offset);
        data.set(bytes);
        const { fast, slow } = probe.run(data, Math.min(at, data.length));
        expect(fast).toBe(slow);
      },
    ),
    { numRuns: 20_000 },
  );
});
