/**
 * Query results as the worker's JSON would carry them (apps/worker/src/routes/json.ts), so the console
 * shows the same thing in both modes: int8 as a decimal string, bytea as `\x…` hex, dates as ISO
 * strings (Date.toJSON), NaN/±Infinity as null. Rows go through that same JSON round trip; the only
 * help PGlite needs is to leave int8 as text (it would turn small values into numbers, large ones into
 * bigints).
 */
import type { ParserOptions } from '@electric-sql/pglite';

const INT8 = 20;
const INT8_ARRAY = 1016;

/** Per-type parsers for PGlite queries: int8 stays exact text. */
export const RESULT_PARSERS: ParserOptions = { [INT8]: (text: string) => text };

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) {
    let hex = '\\x';
    for (const byte of value) hex += byte.toString(16).padStart(2, '0');
    return hex;
  }
  return value;
}

/** Rows as JSON.parse(JSON.stringify(rows)) with the worker's replacer; int8[] elements as strings. */
export function jsonRows(
  rows: readonly Record<string, unknown>[],
  fields: readonly { name: string; dataTypeID: number }[],
): Record<string, unknown>[] {
  const plain = JSON.parse(JSON.stringify(rows, jsonReplacer)) as Record<string, unknown>[];
  // PGlite parses int8[] elements itself (RESULT_PARSERS does not reach array elements); the worker
  // sends them as strings, so stringify what came out as numbers.
  const int8Arrays = fields.filter((f) => f.dataTypeID === INT8_ARRAY).map((f) => f.name);
  if (int8Arrays.length > 0) {
    for (const row of plain) for (const name of int8Arrays) row[name] = numbersAsStrings(row[name]);
  }
  return plain;
}

function numbersAsStrings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(numbersAsStrings);
  return typeof value === 'number' ? String(value) : value;
}
