/**
 * The lossless JSON parser: the same verdicts and values as JSON.parse where JSON.parse is exact, but
 * numbers and nested values kept as written, deep nesting without recursion, and the escapes
 * PostgreSQL refuses refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonParseError } from '../../src/source/json-lexer.ts';
import { type JsonContainer, JsonNumber, parseJsonText } from '../../src/source/json-parser.ts';
import { plainJson } from './helpers.ts';

/** JSON.parse's verdict, with what we refuse on purpose counted as refused. */
function referenceAccepts(text: string): boolean {
  try {
    JSON.parse(text);
  } catch {
    return false;
  }
  // Escapes the server's JSON parsing refuses (jsonb_in, json_populate_record).
  return !/\\u0000/i.test(text.replace(/\\\\/g, ''));
}

function accepts(text: string): boolean {
  try {
    const value = parseJsonText(text, false);
    // Nested containers are checked when scanned; parse them all to be sure they are whole.
    plainJson(value);
    return true;
  } catch (error) {
    if (!(error instanceof JsonParseError)) throw error;
    return false;
  }
}

describe('parseJsonText', () => {
  it('reads every JSON value as JSON.parse does (numbers that a double holds)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(plainJson(parseJsonText(text, false))).toEqual(JSON.parse(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts and refuses what JSON.parse does, on mangled JSON', () => {
    const mangled = fc
      .tuple(
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.nat(3),
            fc.constantFrom(
              '',
              ',',
              ']',
              '}',
              '"',
              '\\',
              ':',
              '-',
              '.',
              'e',
              '0',
              ' ',
              '\n',
              '\t',
              '\u0001',
              'tru',
              '\\u',
              '[',
              '{',
            ),
          ),
          { maxLength: 3 },
        ),
      )
      .map(([text, edits]) => {
        let out = text;
        for (const [at, drop, insert] of edits) {
          const k = out.length === 0 ? 0 : at % out.length;
          out = out.slice(0, k) + insert + out.slice(k + drop);
        }
        return out;
      });
    fc.assert(
      fc.property(mangled, (text) => {
        // A lone surrogate escape is refused here on purpose; JSON.parse takes it.
        fc.pre(!/\\u[dD][89abAB]|\\u[dD][c-fC-F]/.test(text));
        expect(accepts(text), text).toBe(referenceAccepts(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps numbers and nested values as their text', () => {
    const row = parseJsonText('{"a": 9007199254740993, "b":[1.0E+2 ,{"c":-0}] ,"d":1e999}') as Record<
      string,
      unknown
    >;
    expect(row['a']).toEqual(new JsonNumber('9007199254740993'));
    expect(row['d']).toEqual(new JsonNumber('1e999'));
    const b = row['b'] as JsonContainer;
    expect(b.text).toBe('[1.0E+2 ,{"c":-0}]');
    expect(b.isArray).toBe(true);
    const [first, second] = b.value as unknown[];
    expect(first).toEqual(new JsonNumber('1.0E+2'));
    expect((second as JsonContainer).text).toBe('{"c":-0}');
  });

  it('a "__proto__" key is just a key', () => {
    const row = parseJsonText('{"__proto__": {"x": 1}, "a": 2}') as Record<string, unknown>;
    expect(Object.keys(row)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect((Object.getOwnPropertyDescriptor(row, '__proto__')!.value as JsonContainer).text).toBe('{"x": 1}');
    expect(Object.hasOwn(row, '__proto__')).toBe(true);
  });

  it('steps over nesting far deeper than the stack', () => {
    const depth = 200_000;
    const text = `{"deep": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const row = parseJsonText(text) as Record<string, JsonContainer>;
    expect(row['deep']!.text.length).toBe(2 * depth);
    expect(() => parseJsonText(`{"deep": ${'['.repeat(depth)}${']'.repeat(depth - 1)}}`)).toThrow(
      JsonParseError,
    );
  });

  it('refuses the escapes PostgreSQL refuses, with its SQLSTATE, and a key given twice in the row', () => {
    const refusal = (text: string) => {
      try {
        parseJsonText(text);
      } catch (error) {
        return error as JsonParseError;
      }
      throw new Error(`accepted ${text}`);
    };
    expect(refusal('{"a":"\\ud800"}')).toMatchObject({ kind: 'escape', sqlstate: '22P02', offset: 6 });
    expect(refusal('{"a":"\\udc00\\ud800"}')).toMatchObject({ sqlstate: '22P02', offset: 6 });
    expect(refusal('{"a":["\\ud800\\ud800"]}').message).toMatch(
      /high surrogate must not follow a high surrogate/,
    );
    expect(refusal('{"a":{"b":"\\u0000"}}')).toMatchObject({ kind: 'escape', sqlstate: '22P05' });
    expect(refusal('{"a":1,"a":2}')).toMatchObject({ kind: 'duplicate-key', offset: 7 });
    expect(parseJsonText('{"a":"\\uD83D\\uDE00 \\\\ud800"}')).toEqual({ a: '😀 \\ud800' });
  });
});
