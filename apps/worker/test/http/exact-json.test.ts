/**
 * exact-json.ts against JSON.parse as the oracle: the same values (numbers aside, which keep their
 * text), the same refusals, and numbers that come back exactly as written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  JsonNumber,
  JsonSyntaxError,
  MAX_DEPTH,
  parseJsonExact,
  printsBackExactly,
  stringifyExact,
} from '../../src/http/exact-json.ts';

/** parseJsonExact's value with each JsonNumber as the double JSON.parse makes of it. */
function asDoubles(value: unknown): unknown {
  if (value instanceof JsonNumber) return Number(value.source);
  if (Array.isArray(value)) return value.map(asDoubles);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asDoubles(v)]));
  }
  return value;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('parseJsonExact', () => {
  it('reads what JSON.parse reads, to the same values', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(asDoubles(parseJsonExact(text))).toEqual(JSON.parse(text));
        expect(JSON.parse(stringifyExact(parseJsonExact(text)))).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what JSON.parse refuses', () => {
    const nearJson = fc.oneof(
      fc.string(),
      fc.json().map((t) => t.slice(0, -1)),
      fc.json().chain((t) => fc.nat(t.length).map((i) => `${t.slice(0, i)}${t.slice(i + 1)}`)),
      fc.constantFrom('01', '1.', '.5', '+1', '-', '1e', '[1,]', '{"a":1,}', '"\t"', 'nul', '"\\x"', '[] []'),
    );
    fc.assert(
      fc.property(nearJson, (text) => {
        let threw = false;
        try {
          parseJsonExact(text);
        } catch (error) {
          expect(error).toBeInstanceOf(JsonSyntaxError);
          threw = true;
        }
        expect(threw).toBe(!parses(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps numbers as written', () => {
    const body = '{"a":[9007199254740993,1e999,0.1000000000000000000001,-0,1.50,-1e-400]}';
    const value = parseJsonExact(body) as { a: JsonNumber[] };
    expect(value.a.map((n) => n.source)).toEqual([
      '9007199254740993',
      '1e999',
      '0.1000000000000000000001',
      '-0',
      '1.50',
      '-1e-400',
    ]);
    expect(stringifyExact(value)).toBe(body);
  });

  it('makes __proto__ an own key, as JSON.parse does', () => {
    const value = parseJsonExact('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses nesting past MAX_DEPTH with a position, instead of overflowing the stack', () => {
    expect(() => parseJsonExact('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH))).not.toThrow();
    const deep = '['.repeat(100_000);
    expect(() => parseJsonExact(deep)).toThrow(JsonSyntaxError);
    expect(() => parseJsonExact(deep)).toThrow(/nested deeper than 256 levels at position 256/);
  });
});

describe('printsBackExactly', () => {
  it.each([
    ['1', true],
    ['1.0', true],
    ['1e3', true],
    ['-0', true],
    ['0.1', true],
    ['9007199254740992', true],
    ['1.7976931348623157e308', true],
    ['9007199254740993', false],
    ['0.1000000000000000000001', false],
    ['1e999', false],
    ['1e-400', false],
    ['123456789012345678901234567890', false],
  ])('%s → %s', (source, exact) => {
    expect(printsBackExactly(source)).toBe(exact);
  });

  it('agrees with BigInt on integers', () => {
    // Below 1e21, where String() of a double still writes all its digits.
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 69n), max: 2n ** 69n }), (n) => {
        const source = n.toString();
        expect(printsBackExactly(source)).toBe(BigInt(String(Number(source))) === n);
      }),
      { numRuns: 1000 },
    );
  });
});
