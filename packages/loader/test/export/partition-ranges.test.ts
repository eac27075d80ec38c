/** The pure parts of partitioning: exact integer cut points, range conditions, and bound literals. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LoadConfigError } from '../../src/errors.ts';
import { evenIntegerCuts, rangeCondition, rangesFromCuts } from '../../src/export/partitions.ts';
import { stringLiteral, typedLiteral } from '../../src/export/sql-literal.ts';

/** Which range (index) a key falls in, by the same rules as the SQL conditions. */
function rangeOf(cuts: readonly bigint[], key: bigint): number {
  let i = 0;
  while (i < cuts.length && key >= cuts[i]!) i++;
  return i;
}

const compareBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

describe('evenIntegerCuts', () => {
  it('splits min..max into equal runs', () => {
    expect(evenIntegerCuts(1n, 100n, 4)).toEqual([26n, 51n, 76n]);
    expect(evenIntegerCuts(0n, 9n, 3)).toEqual([3n, 6n]);
    expect(evenIntegerCuts(-10n, 9n, 2)).toEqual([0n]);
  });

  it('gives fewer cuts when there are fewer values than partitions, and none for one value', () => {
    expect(evenIntegerCuts(5n, 6n, 8)).toEqual([6n]);
    expect(evenIntegerCuts(7n, 7n, 4)).toEqual([]);
    expect(evenIntegerCuts(1n, 100n, 1)).toEqual([]);
  });

  it('is exact beyond 2^53, where doubles would round', () => {
    const min = 2n ** 53n;
    expect(evenIntegerCuts(min, min + 3n, 4)).toEqual([min + 1n, min + 2n, min + 3n]);
    const lo = -(2n ** 63n);
    const hi = 2n ** 63n - 1n;
    expect(evenIntegerCuts(lo, hi, 2)).toEqual([0n]);
    expect(evenIntegerCuts(lo, hi, 4)).toEqual([-(2n ** 62n), 0n, 2n ** 62n]);
  });

  it('cuts strictly ascend inside (min, max], and runs differ in size by at most one', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n }),
        fc.integer({ min: 1, max: 64 }),
        (min, span, n) => {
          const max = [min + span, 2n ** 63n - 1n].sort(compareBig)[0]!;
          const cuts = evenIntegerCuts(min, max, n);
          expect(cuts.length).toBeLessThanOrEqual(n - 1);
          let previous = min;
          for (const cut of cuts) {
            expect(cut > previous).toBe(true);
            previous = cut;
          }
          if (cuts.length > 0) expect(cuts[cuts.length - 1]! <= max).toBe(true);
          if (max - min + 1n >= BigInt(n)) {
            expect(cuts.length).toBe(n - 1);
            const edges = [min, ...cuts, max + 1n];
            const sizes = edges.slice(1).map((e, i) => e - edges[i]!);
            const sorted = sizes.sort(compareBig);
            const spread = sorted[sorted.length - 1]! - sorted[0]!;
            expect(spread <= 1n).toBe(true);
          }
        },
      ),
    );
  });

  it('every key lands in exactly one range, edges included', () => {
    const cuts = evenIntegerCuts(1n, 1000n, 7);
    const counts = new Array(cuts.length + 1).fill(0);
    for (let k = -5n; k <= 1005n; k++) counts[rangeOf(cuts, k)]++;
    expect(counts.reduce((a, b) => a + b)).toBe(1011);
    for (const cut of cuts) expect(rangeOf(cuts, cut)).toBe(rangeOf(cuts, cut - 1n) + 1);
  });
});

describe('rangesFromCuts / rangeCondition', () => {
  it('opens the first range below (with NULLs) and the last above', () => {
    const ranges = rangesFromCuts(["'b'::text", "'m'::text"]);
    expect(ranges.map((r) => rangeCondition('q."k"', r))).toEqual([
      `(q."k" < 'b'::text or q."k" is null)`,
      `q."k" >= 'b'::text and q."k" < 'm'::text`,
      `q."k" >= 'm'::text`,
    ]);
  });

  it('is one unconditional range without cuts', () => {
    const ranges = rangesFromCuts([]);
    expect(ranges).toHaveLength(1);
    expect(rangeCondition('q."k"', ranges[0]!)).toBe('');
  });
});

describe('SQL literals', () => {
  it('doubles quotes', () => {
    expect(stringLiteral("it's")).toBe("'it''s'");
    expect(stringLiteral("''")).toBe("''''''");
    expect(typedLiteral('42', 'bigint')).toBe("'42'::bigint");
  });

  it('writes backslashes as an E literal, so standard_conforming_strings does not matter', () => {
    expect(stringLiteral('a\\b')).toBe("E'a\\\\b'");
    expect(stringLiteral("\\'")).toBe("E'\\\\'''");
  });

  it('refuses NUL', () => {
    expect(() => stringLiteral('a\0')).toThrow(LoadConfigError);
  });
});
