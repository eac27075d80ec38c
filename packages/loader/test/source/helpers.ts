/** Shared by the source tests: feeding bytes in pieces and reading batches back as plain values. */
import { type DelimitedParseOptions, parseDelimited } from '../../src/source/csv-parser.ts';
import { FIELD_NULL, type FieldBatch } from '../../src/source/field-batch.ts';
import { JsonContainer, JsonNumber } from '../../src/source/json-parser.ts';
import { unescapeField } from '../../src/source/unescape.ts';

export interface ParsedRow {
  line: number;
  /** Field values; null for NULL. */
  fields: (string | null)[];
  /** The row's raw text, line ending included. */
  raw: string;
}

const decoder = new TextDecoder();
export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The bytes as an async iterable, cut at the given offsets (or in pieces of `size`). */
export async function* pieces(
  bytes: Uint8Array,
  cuts: readonly number[] | number = [],
): AsyncGenerator<Uint8Array> {
  const points =
    typeof cuts === 'number'
      ? Array.from({ length: Math.ceil(bytes.length / cuts) }, (_, k) => k * cuts)
      : [0, ...cuts];
  const sorted = [...new Set(points.map((p) => Math.min(Math.max(p, 0), bytes.length)))].sort(
    (a, b) => a - b,
  );
  for (let k = 0; k < sorted.length; k++) {
    const piece = bytes.subarray(sorted[k], sorted[k + 1] ?? bytes.length);
    if (piece.length > 0) yield piece;
  }
}

/** The rows of one batch (decoded now: the batch is reused). */
export function batchRows(batch: FieldBatch): ParsedRow[] {
  const rows: ParsedRow[] = [];
  for (let r = 0; r < batch.rowCount; r++) {
    const fields: (string | null)[] = [];
    for (let f = batch.rowField[r]!; f < batch.rowField[r + 1]!; f++) {
      fields.push(batch.fieldFlags[f]! & FIELD_NULL ? null : decoder.decode(unescapeField(batch, f)));
    }
    const raw = decoder.decode(batch.bytes.subarray(batch.rowStart[r], batch.rowStart[r + 1]));
    rows.push({ line: batch.rowLine[r]!, fields, raw });
  }
  return rows;
}

export interface Parsed {
  header: string[] | null;
  rows: ParsedRow[];
  batches: number;
  /** Each batch's sourceOffset. */
  offsets: number[];
}

/** Parses all of `input` (text or bytes, optionally cut into pieces). */
export async function parseAll(
  input: string | Uint8Array,
  options: Omit<DelimitedParseOptions, 'onHeader'>,
  extra: { targetBytes?: number; cuts?: readonly number[] | number } = {},
): Promise<Parsed> {
  const bytes = typeof input === 'string' ? encode(input) : input;
  let header: string[] | null = null;
  const rows: ParsedRow[] = [];
  const offsets: number[] = [];
  let batches = 0;
  const parser = parseDelimited(
    pieces(bytes, extra.cuts),
    {
      ...options,
      onHeader: (names) => {
        header = names;
      },
    },
    { targetBytes: extra.targetBytes },
  );
  for await (const batch of parser) {
    batches++;
    offsets.push(batch.sourceOffset);
    rows.push(...batchRows(batch));
  }
  return { header, rows, batches, offsets };
}

/** Just the field values. */
export async function parseValues(
  input: string | Uint8Array,
  options: Omit<DelimitedParseOptions, 'onHeader'>,
  extra: { targetBytes?: number; cuts?: readonly number[] | number } = {},
): Promise<(string | null)[][]> {
  return (await parseAll(input, options, extra)).rows.map((row) => row.fields);
}

/**
 * JSON rows as plain JS values to compare with JSON.parse: JsonNumber → its Number, JsonContainer →
 * its contents, null-prototype objects → plain ones. (Lossy on purpose: only for values a double holds.)
 */
export function plainJson(value: unknown): unknown {
  if (value instanceof JsonNumber) return Number(value.text);
  if (value instanceof JsonContainer) return plainJson(value.value);
  if (Array.isArray(value)) return value.map(plainJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v)]));
  }
  return value;
}
