/**
 * The raw path's row-boundary scanner against the full CSV scanner as the oracle: for generated CSV
 * in any dialect (quote, escape, delimiter), with quoted fields holding doubled or escaped quotes,
 * delimiters and CR / LF / CRLF, quotes inside unquoted text, empty fields, multi-byte UTF-8, and the
 * input cut at every position, both find the same rows, starting at the same offsets on the same
 * lines, in the same batches; or fail with the same error on the same line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DelimitedParseOptions, parseDelimited } from '../../src/source/csv-parser.ts';
import { encode, pieces } from './helpers.ts';

interface Row {
  /** Offset of the row in the whole input. */
  at: number;
  line: number;
  /** The line after the row (its line count is nextLine - line). */
  nextLine: number;
  raw: string;
}

type Outcome =
  | { header: string[] | null; rows: Row[]; batches: number[]; rowsOnly: boolean[] }
  | { error: string; message: string; line: number | undefined };

const decoder = new TextDecoder();

/** Every row and batch of `bytes`, cut at `cuts`, found with the full scanner or (after `switchAfter` batches) rows only. */
async function scanAll(
  bytes: Uint8Array,
  options: Omit<DelimitedParseOptions, 'onHeader' | 'rowsOnly'>,
  targetBytes: number,
  cuts: readonly number[],
  switchAfter: number | null,
): Promise<Outcome> {
  let header: string[] | null = null;
  const rows: Row[] = [];
  const batches: number[] = [];
  const rowsOnly: boolean[] = [];
  try {
    const parser = parseDelimited(
      pieces(bytes, cuts),
      {
        ...options,
        onHeader: (names) => {
          header = names;
        },
        rowsOnly: () => switchAfter !== null && batches.length >= switchAfter,
      },
      { targetBytes },
    );
    for await (const batch of parser) {
      batches.push(batch.sourceOffset);
      rowsOnly.push(batch.rowsOnly === true);
      for (let r = 0; r < batch.rowCount; r++) {
        rows.push({
          at: batch.sourceOffset + batch.rowStart[r]! - batch.rowStart[0]!,
          line: batch.rowLine[r]!,
          nextLine: batch.rowLine[r + 1]!,
          raw: decoder.decode(batch.bytes.subarray(batch.rowStart[r], batch.rowStart[r + 1])),
        });
      }
    }
  } catch (error) {
    const e = error as { name: string; message: string; line?: number };
    return { error: e.name, message: e.message, line: e.line };
  }
  return { header, rows, batches, rowsOnly };
}

/** The outcome without which scanner made each batch: what must be equal. */
function withoutScanner(outcome: Outcome): Outcome {
  return 'rows' in outcome ? { ...outcome, rowsOnly: [] } : outcome;
}

const dialectArb = fc.record({
  quote: fc.constantFrom('"', "'"),
  escape: fc.constantFrom('same', '\\'),
  delimiter: fc.constantFrom(',', ';'),
  header: fc.boolean(),
});
type Dialect = typeof dialectArb extends fc.Arbitrary<infer T> ? T : never;

function optionsOf(d: Dialect): Omit<DelimitedParseOptions, 'onHeader' | 'rowsOnly'> {
  return {
    dialect: 'csv',
    quote: d.quote,
    ...(d.escape === 'same' ? {} : { escape: d.escape }),
    delimiter: d.delimiter,
    header: d.header,
  };
}

/** Content pieces: text, the dialect's specials, every line break, multi-byte UTF-8. */
const PIECES = ['a', 'xyz', ' ', 'Q', 'E', 'D', '\n', '\r', '\r\n', 'é', '🚀', '中'];

/** A piece with Q, E and D standing for the quote, the escape and the delimiter. */
function dialectText(piece: string, d: Dialect): string {
  const escapeChar = d.escape === 'same' ? d.quote : d.escape;
  return piece.replaceAll('Q', d.quote).replaceAll('E', escapeChar).replaceAll('D', d.delimiter);
}

/** A field as CSV: quoted with its quotes and escapes escaped, or plain (no specials), or with a quoted part inside. */
const fieldArb = fc.oneof(
  fc.record({
    kind: fc.constant('quoted' as const),
    parts: fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }),
  }),
  fc.record({
    kind: fc.constant('plain' as const),
    parts: fc.array(fc.constantFrom('a', 'xyz', ' ', 'é', '🚀', 'E'), { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('inner' as const),
    parts: fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }),
  }),
);
type Field = typeof fieldArb extends fc.Arbitrary<infer T> ? T : never;

function fieldText(field: Field, d: Dialect): string {
  const escapeChar = d.escape === 'same' ? d.quote : d.escape;
  const content = field.parts.map((part) => dialectText(part, d)).join('');
  // Plain text holds no quote (its E is the escape only when that is not the quote): it stays as it is.
  if (field.kind === 'plain') return d.escape === 'same' ? content.replaceAll(d.quote, '') : content;
  // Inside quotes: the quote and (when it differs) the escape, escaped.
  let escaped = content;
  if (d.escape !== 'same') escaped = escaped.replaceAll(escapeChar, escapeChar + escapeChar);
  escaped = escaped.replaceAll(d.quote, escapeChar + d.quote);
  return field.kind === 'quoted' ? `${d.quote}${escaped}${d.quote}` : `ab${d.quote}${escaped}${d.quote}cd`;
}

/** Well-formed CSV: rows of fields, one line ending throughout, the last one optional. */
const csvArb = fc
  .record({
    dialect: dialectArb,
    rows: fc.array(fc.array(fieldArb, { minLength: 1, maxLength: 4 }), { minLength: 0, maxLength: 6 }),
    ending: fc.constantFrom('\n', '\r\n', '\r'),
    lastEnding: fc.boolean(),
    bom: fc.boolean(),
  })
  .map(({ dialect, rows, ending, lastEnding, bom }) => {
    const lines = rows.map((fields) => fields.map((f) => fieldText(f, dialect)).join(dialect.delimiter));
    let text = lines.join(ending);
    if (lastEnding && lines.length > 0) text += ending;
    return { dialect, bytes: encode((bom ? '\ufeff' : '') + text) };
  });

/** Anything at all, mostly malformed: unterminated quotes, mixed line endings, stray escapes. */
const soupArb = fc.record({
  dialect: dialectArb,
  bytes: fc
    .array(fc.constantFrom('a', 'xyz', ',', ';', '"', "'", '""', '\\', '\n', '\r', '\r\n', 'é', '🚀'), {
      maxLength: 50,
    })
    .map((parts) => encode(parts.join(''))),
});

async function sameRows(
  bytes: Uint8Array,
  d: Dialect,
  targetBytes: number,
  cuts: readonly number[],
  switchAfter: number,
): Promise<void> {
  const options = optionsOf(d);
  const full = await scanAll(bytes, options, targetBytes, cuts, null);
  const boundaries = await scanAll(bytes, options, targetBytes, cuts, switchAfter);
  expect(withoutScanner(boundaries)).toEqual(withoutScanner(full));
  if ('rowsOnly' in boundaries) {
    expect(boundaries.rowsOnly).toEqual(boundaries.rowsOnly.map((_, k) => k >= switchAfter));
  }
}

describe('row boundaries only: the same rows and lines as the full CSV scanner', () => {
  it('well-formed CSV, cut at every position', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        csvArb,
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 0, max: 2 }),
        async ({ dialect, bytes }, targetBytes, switchAfter) => {
          for (let at = 0; at <= bytes.length; at++) {
            await sameRows(bytes, dialect, targetBytes, [at], switchAfter);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('well-formed CSV, in many pieces, in one batch or many', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        csvArb,
        fc.array(fc.nat({ max: 400 }), { maxLength: 12 }),
        fc.constantFrom(1, 7, 64, 1 << 20),
        fc.integer({ min: 0, max: 3 }),
        async ({ dialect, bytes }, cuts, targetBytes, switchAfter) => {
          await sameRows(bytes, dialect, targetBytes, cuts, switchAfter);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('malformed CSV: the same rows, or the same error on the same line', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        soupArb,
        fc.array(fc.nat({ max: 200 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 0, max: 2 }),
        async ({ dialect, bytes }, cuts, targetBytes, switchAfter) => {
          await sameRows(bytes, dialect, targetBytes, cuts, switchAfter);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('a file of the bench rows, multi-line and quoted ones among them, over many batches', async () => {
    let text = 'id,note,n\r\n';
    for (let i = 1; i <= 5000; i++) {
      const note =
        i % 10 === 2 ? '"line one\r\nline two"' : i % 10 === 6 ? '"a ""quoted"", comma"' : `naïve ${i}`;
      text += `${i},${note},${i % 3 === 0 ? '' : i}\r\n`;
    }
    const bytes = encode(text);
    const d: Dialect = { quote: '"', escape: 'same', delimiter: ',', header: true };
    for (const targetBytes of [1000, 4096, 65_536]) await sameRows(bytes, d, targetBytes, [], 1);
  });
});
