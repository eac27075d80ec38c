/** NDJSON and streamed JSON arrays as ValueBatches. */
import { describe, expect, it } from 'vitest';
import { BadRowError } from '../../src/errors.ts';
import { parseJson, parseNdjson } from '../../src/source/json-rows.ts';
import type { ValueBatch } from '../../src/source/row-reader.ts';
import { encode, pieces } from './helpers.ts';

interface Collected {
  rows: unknown[];
  lines: number[];
  texts: string[];
  batches: ValueBatch[];
}

async function collect(
  parse: typeof parseJson,
  input: string,
  cuts: readonly number[] | number = [],
  targetBytes?: number,
): Promise<Collected> {
  const out: Collected = { rows: [], lines: [], texts: [], batches: [] };
  for await (const batch of parse(pieces(encode(input), cuts), { targetBytes })) {
    out.batches.push(batch);
    out.rows.push(...batch.rows);
    out.lines.push(...batch.rowLine);
    out.texts.push(...(batch.rowText ?? []));
  }
  return out;
}

describe('NDJSON', () => {
  it('reads one value per line, skipping blank lines, CRLF allowed', async () => {
    const input = '{"a":1}\r\n\n  \n[1,"x"]\n{"b":"c\\nd"}';
    const got = await collect(parseNdjson, input, 3);
    expect(got.rows).toEqual([{ a: 1 }, [1, 'x'], { b: 'c\nd' }]);
    expect(got.lines).toEqual([1, 4, 5]);
    expect(got.texts).toEqual(['{"a":1}', '[1,"x"]', '{"b":"c\\nd"}']);
  });

  it('a bad line is a BadRowError with its line number and text', async () => {
    const error = await collect(parseNdjson, '{"a":1}\n\n{"a":2,}\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRowError);
    expect((error as BadRowError).line).toBe(3);
    expect((error as BadRowError).value).toBe('{"a":2,}');
    expect((error as BadRowError).message).toMatch(/invalid JSON on line 3/);
  });

  it('a line that is not an object or array is a BadRowError', async () => {
    await expect(collect(parseNdjson, '{"a":1}\n42\n')).rejects.toThrow(/line 2 is a number/);
    await expect(collect(parseNdjson, 'null\n')).rejects.toThrow(/line 1 is null/);
  });

  it('batches by bytes, with source offsets that tile the input', async () => {
    const line = '{"id":1,"name":"some name here"}\n';
    const input = line.repeat(1000);
    const got = await collect(parseNdjson, input, 777, 1000);
    expect(got.rows).toHaveLength(1000);
    expect(got.batches.length).toBeGreaterThan(20);
    let at = 0;
    for (const batch of got.batches) {
      expect(batch.sourceStart).toBe(at);
      at = batch.sourceEnd;
    }
    expect(at).toBe(input.length);
  });

  it('reads a line longer than the batch target', async () => {
    const long = `{"x":"${'y'.repeat(100_000)}"}`;
    const got = await collect(parseNdjson, `{"a":1}\n${long}\n{"b":2}\n`, 1000, 100);
    expect(got.lines).toEqual([1, 2, 3]);
    expect((got.rows[1] as { x: string }).x).toHaveLength(100_000);
  });
});

describe('JSON array', () => {
  it('splits a top-level array into its elements, whatever brackets strings hold', async () => {
    const input = `[
  {"a": "[not, an] {array}", "b": [1, [2, 3]]},
  {"q": "quote \\" and ] and \\\\"},
  [1, {"x": "}"}, "]"]
]`;
    for (const cuts of [[], 1, 7]) {
      const got = await collect(parseJson, input, cuts);
      expect(got.rows).toEqual([
        { a: '[not, an] {array}', b: [1, [2, 3]] },
        { q: 'quote " and ] and \\' },
        [1, { x: '}' }, ']'],
      ]);
      expect(got.lines).toEqual([2, 3, 4]);
      expect(got.texts[1]).toBe('{"q": "quote \\" and ] and \\\\"}');
    }
  });

  it('reads an empty array, and elements spread over lines', async () => {
    expect((await collect(parseJson, ' [ ] ')).rows).toEqual([]);
    const got = await collect(parseJson, '[{\n"a":\n1\n},\n\n{"b":2}]');
    expect(got.rows).toEqual([{ a: 1 }, { b: 2 }]);
    expect(got.lines).toEqual([1, 6]);
  });

  it('reads a document that is not an array as values separated by whitespace', async () => {
    expect((await collect(parseJson, '{"a":1}')).rows).toEqual([{ a: 1 }]);
    const got = await collect(parseJson, '{"a":1}\n{"a":2} [3]\n');
    expect(got.rows).toEqual([{ a: 1 }, { a: 2 }, [3]]);
    expect(got.lines).toEqual([1, 2, 2]);
  });

  it('refuses malformed documents with the line', async () => {
    const cases: Array<[string, RegExp, number]> = [
      ['[{"a":1}', /unterminated JSON array/, 1],
      ['[{"a":1},\n]', /trailing comma/, 2],
      ['[{"a":1}\n{"b":2}]', /expected ',' or ']'/, 2],
      ['[{"a":1}] x', /after the end of the JSON array/, 1],
      ['[{"a":\n"b}]', /unterminated JSON value starting on line 1/, 1],
      ['[1, {"a":1}]', /element on line 1 is a number/, 1],
      ['[{"a":1},\n{"a":tru}]', /invalid JSON on line 2/, 2],
    ];
    for (const [input, message, line] of cases) {
      const error = await collect(parseJson, input).catch((e: unknown) => e);
      expect(error, input).toBeInstanceOf(BadRowError);
      expect((error as BadRowError).message, input).toMatch(message);
      expect((error as BadRowError).line, input).toBe(line);
    }
  });

  it('streams a large array in batches of about targetBytes', async () => {
    const element = '{"id":123,"tags":["a","b"],"s":"x]y"}';
    const input = `[${Array.from({ length: 2000 }, () => element).join(',\n')}]`;
    const got = await collect(parseJson, input, 4096, 8192);
    expect(got.rows).toHaveLength(2000);
    expect(got.lines[1999]).toBe(2000);
    expect(got.batches.length).toBeGreaterThan(5);
    for (const batch of got.batches.slice(0, -1)) {
      expect(batch.sourceEnd - batch.sourceStart).toBeGreaterThanOrEqual(8192);
    }
  });
});
