/** NDJSON and streamed JSON arrays as ValueBatches. */
import { describe, expect, it } from 'vitest';
import { BadRowError } from '../../src/errors.ts';
import { JsonContainer, JsonNumber } from '../../src/source/json-parser.ts';
import { parseJson, parseNdjson } from '../../src/source/json-rows.ts';
import type { ValueBatch } from '../../src/source/row-reader.ts';
import { encode, pieces, plainJson } from './helpers.ts';

interface Collected {
  /** As plain JS values (plainJson). */
  rows: unknown[];
  /** As parsed. */
  raw: unknown[];
  lines: number[];
  texts: string[];
  /** Rows that could not be read, by their index in rows. */
  errors: Map<number, BadRowError>;
  batches: ValueBatch[];
}

async function collect(
  parse: typeof parseJson,
  input: string,
  cuts: readonly number[] | number = [],
  targetBytes?: number,
): Promise<Collected> {
  const out: Collected = { rows: [], raw: [], lines: [], texts: [], errors: new Map(), batches: [] };
  for await (const batch of parse(pieces(encode(input), cuts), { targetBytes })) {
    out.batches.push(batch);
    for (const [r, error] of batch.rowError ?? []) out.errors.set(out.rows.length + r, error);
    out.rows.push(...batch.rows.map(plainJson));
    out.raw.push(...batch.rows);
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

  it('a bad line is a bad row of its own, with its line number and text; the next lines are read', async () => {
    const got = await collect(parseNdjson, '{"a":1}\n\n{"a":2,}\n{"a":3}\n');
    expect(got.lines).toEqual([1, 3, 4]);
    expect(got.rows[2]).toEqual({ a: 3 });
    expect([...got.errors.keys()]).toEqual([1]);
    const error = got.errors.get(1)!;
    expect(error).toBeInstanceOf(BadRowError);
    expect(error.line).toBe(3);
    expect(error.value).toBe('{"a":2,}');
    expect(error.message).toBe("invalid JSON on line 3, character 8: expected a key (a string), found '}'");
    expect(got.texts[1]).toBe('{"a":2,}');
  });

  it('a line that is not an object or array is a bad row', async () => {
    const got = await collect(parseNdjson, '{"a":1}\n42\n"s"\nnull\n');
    expect(got.errors.get(1)?.message).toMatch(/line 2 is a number, not an object or array/);
    expect(got.errors.get(2)?.message).toMatch(/line 3 is a string/);
    expect(got.errors.get(3)?.message).toMatch(/line 4 is null/);
  });

  it('a key given twice in a row is a bad row (which value to load would be a guess)', async () => {
    const got = await collect(parseNdjson, '{"a":1,"a":2}\n{"a":{"b":1,"b":2}}\n');
    expect(got.errors.get(0)?.message).toBe(
      'line 1, character 8: the key "a" appears twice in the line\'s object: which one to load is ambiguous',
    );
    // Inside a nested value it is the server's business (jsonb keeps the last one).
    expect(got.errors.has(1)).toBe(false);
  });

  it('keeps numbers as their text and nested values as written', async () => {
    const line =
      '{"big":9007199254740993,"inf":1e999,"neg":-0,"e":1.0E+2,"f":0.10000000000000000001,"doc":{ "x" : [1.50, 2e-400] },"s":"\\u00e9\\ud83d\\ude00"}';
    const got = await collect(parseNdjson, `${line}\n`);
    const row = got.raw[0] as Record<string, unknown>;
    expect(
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof JsonNumber ? v.text : v])),
    ).toMatchObject({
      big: '9007199254740993',
      inf: '1e999',
      neg: '-0',
      e: '1.0E+2',
      f: '0.10000000000000000001',
      s: 'é😀',
    });
    expect(row.doc).toBeInstanceOf(JsonContainer);
    expect((row.doc as JsonContainer).text).toBe('{ "x" : [1.50, 2e-400] }');
    expect(got.batches[0]!.fromJson).toBe(true);
  });

  it('escapes PostgreSQL refuses (an unpaired surrogate, \\u0000) are bad rows, nested or not; pairs decode', async () => {
    const got = await collect(
      parseNdjson,
      '{"t":"a\\ud800b"}\n{"t":{"x":["\\udc00"]}}\n{"t":"\\u0000"}\n{"t":"\\ud83d\\ude00 \\\\ud800"}\n',
    );
    expect(got.errors.get(0)?.message).toBe(
      'line 1, character 8: invalid input syntax for type json: Unicode low surrogate must follow a high surrogate (\\ud800)',
    );
    expect(got.errors.get(0)?.sqlstate).toBe('22P02');
    expect(got.errors.get(1)?.message).toMatch(/^line 2, character 13: .*low surrogate must follow a high/);
    expect(got.errors.get(2)?.message).toBe(
      'line 3, character 7: unsupported Unicode escape sequence: \\u0000 cannot be converted to text',
    );
    expect(got.errors.get(2)?.sqlstate).toBe('22P05');
    expect(got.errors.has(3)).toBe(false);
    expect(got.rows[3]).toEqual({ t: '😀 \\ud800' });
  });

  it('a line that is not UTF-8 is a bad row naming the bytes as the server does (22021); the others load', async () => {
    const bytes = new Uint8Array([
      ...encode('{"a":"x"}\n{"a":"'),
      0xed,
      0xa0,
      0x80,
      ...encode('"}\r\n{"a":"'),
      0xff,
      ...encode('"}\n{"a":"é"}\n'),
    ]);
    const got: Collected = { rows: [], raw: [], lines: [], texts: [], errors: new Map(), batches: [] };
    for await (const batch of parseNdjson(pieces(bytes, 5), { targetBytes: 8 })) {
      for (const [r, error] of batch.rowError ?? []) got.errors.set(got.rows.length + r, error);
      got.rows.push(...batch.rows.map(plainJson));
      got.lines.push(...batch.rowLine);
      got.texts.push(...(batch.rowText ?? []));
    }
    expect(got.lines).toEqual([1, 2, 3, 4]);
    expect(got.rows[0]).toEqual({ a: 'x' });
    expect(got.rows[3]).toEqual({ a: 'é' });
    const second = got.errors.get(1)!;
    expect(second.message).toBe('line 2: invalid byte sequence for encoding "UTF8": 0xed 0xa0 0x80');
    expect(second.sqlstate).toBe('22021');
    expect(second.line).toBe(2);
    expect(got.errors.get(2)!.message).toBe('line 3: invalid byte sequence for encoding "UTF8": 0xff');
    expect(got.texts[2]).toBe('{"a":"\ufffd"}');
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
    ];
    for (const [input, message, line] of cases) {
      const error = await collect(parseJson, input).catch((e: unknown) => e);
      expect(error, input).toBeInstanceOf(BadRowError);
      expect((error as BadRowError).message, input).toMatch(message);
      expect((error as BadRowError).line, input).toBe(line);
    }
  });

  it('an element that is not a valid row is a bad row of its own, named by line and character', async () => {
    const got = await collect(parseJson, '[1, {"a":1},\n{"a":\n  tru}, {"b":2}]');
    expect(got.lines).toEqual([1, 1, 2, 3]);
    expect(got.errors.get(0)?.message).toMatch(/element on line 1 is a number/);
    expect(got.errors.get(2)?.message).toBe(
      "invalid JSON on line 3, character 3: expected a JSON value, found 't'",
    );
    expect(got.errors.get(2)?.line).toBe(2);
    expect(got.rows[3]).toEqual({ b: 2 });
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
