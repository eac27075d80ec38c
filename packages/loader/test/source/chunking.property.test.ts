/**
 * However the input is cut into chunks, and whatever the batch target, the parsers see the same rows:
 * the same fields, NULLs, lines and raw text, or the same error at the same line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson, parseNdjson } from '../../src/source/json-rows.ts';
import { encode, parseAll, pieces, plainJson } from './helpers.ts';

const csvAlphabet = ['a', 'b', 'xyz', ',', '"', '""', '\n', '\r', '\r\n', '\\', 'N', ' ', 'é', '🚀', ';'];
const textAlphabet = [
  'a',
  'b',
  '\t',
  '\\',
  '\\N',
  'N',
  '\n',
  '\r',
  '\r\n',
  'n',
  'x',
  '4',
  '1',
  '7',
  'é',
  '.',
];

const textOf = (alphabet: string[]) =>
  fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }).map((parts) => parts.join(''));

/** Cut points within a byte length, and a batch target. */
const cutting = fc.record({
  cuts: fc.array(fc.nat({ max: 400 }), { maxLength: 12 }),
  targetBytes: fc.integer({ min: 1, max: 64 }),
  leadingBom: fc.boolean(),
});

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await run() };
  } catch (error) {
    const e = error as { name: string; message: string; line?: number };
    return { error: e.name, message: e.message, line: e.line };
  }
}

describe('chunk boundaries never change what is parsed', () => {
  it('csv', async () => {
    const options = fc.record({
      escape: fc.constantFrom(undefined, '\\'),
      null: fc.constantFrom(undefined, 'N'),
      header: fc.boolean(),
      delimiter: fc.constantFrom(',', ';'),
    });
    await fc.assert(
      fc.asyncProperty(textOf(csvAlphabet), options, cutting, async (text, opts, cut) => {
        const input = (cut.leadingBom ? '\ufeff' : '') + text;
        const parse = { dialect: 'csv' as const, ...withoutUndefined(opts) };
        const whole = await outcome(() =>
          parseAll(input, parse, { targetBytes: 1 << 20 }).then(stripBatching),
        );
        const cutUp = await outcome(() => parseAll(input, parse, cut).then(stripBatching));
        expect(cutUp).toEqual(whole);
      }),
      { numRuns: 1500 },
    );
  });

  it('text', async () => {
    const options = fc.record({ header: fc.boolean(), delimiter: fc.constantFrom('\t', ',') });
    await fc.assert(
      fc.asyncProperty(textOf(textAlphabet), options, cutting, async (text, opts, cut) => {
        const parse = { dialect: 'text' as const, ...opts };
        const whole = await outcome(() =>
          parseAll(text, parse, { targetBytes: 1 << 20 }).then(stripBatching),
        );
        const cutUp = await outcome(() => parseAll(text, parse, cut).then(stripBatching));
        expect(cutUp).toEqual(whole);
      }),
      { numRuns: 1500 },
    );
  });

  it('ndjson and json', async () => {
    const value = fc.oneof(
      fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(value, { maxLength: 8 }),
        cutting,
        fc.boolean(),
        async (values, cut, pretty) => {
          const ndjson = values.map((v) => JSON.stringify(v)).join('\n');
          const json = JSON.stringify(values, null, pretty ? 2 : undefined);
          for (const [parse, input] of [
            [parseNdjson, ndjson],
            [parseJson, json],
          ] as const) {
            const read = async (cuts: readonly number[], targetBytes: number) => {
              const rows: unknown[] = [];
              const lines: number[] = [];
              for await (const batch of parse(pieces(encode(input), cuts), { targetBytes })) {
                rows.push(...batch.rows.map(plainJson));
                lines.push(...batch.rowLine);
              }
              return { rows, lines };
            };
            const whole = await read([], 1 << 20);
            expect(whole.rows).toEqual(JSON.parse(JSON.stringify(values)));
            expect(await read(cut.cuts, cut.targetBytes)).toEqual(whole);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

function stripBatching(parsed: Awaited<ReturnType<typeof parseAll>>) {
  return { header: parsed.header, rows: parsed.rows };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
