/**
 * The text a JSON value gives a column, the same text `json_populate_record` hands the column's input
 * function for that JSON (the oracle in the tests), so the converter (binary COPY) or the server (text
 * COPY) reads exactly what PostgreSQL would:
 *  - a number: its source text, every digit (`9007199254740993`, `1e999`, `-0`, `1.0E+2`);
 *  - an object or array: its source text as written; into a PostgreSQL array column, a JSON array
 *    becomes an array literal of its elements (nested arrays are dimensions);
 *  - a string from a JSON source: its decoded text, or, for json/jsonb, the JSON string it was;
 *  - true/false from a JSON source: `true`/`false`.
 * Rows in memory keep their JS values (a JS string into jsonb is JSON text, as before); only
 * JsonNumber/JsonContainer values there are taken as JSON.
 */
import { SqlState } from '@haul/protocol';
import { BadRowError, preview } from '../errors.ts';
import type { TargetColumn } from '../schema/target.ts';
import { JsonContainer, JsonNumber, type JsonValue } from '../source/json-parser.ts';

/** PostgreSQL's MAXDIM. */
const MAX_DIMENSIONS = 6;
/** With the u flag a surrogate pair is one code point, so only a lone surrogate matches. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The column's text for `value`, or undefined when the value is not a JSON one (encode it as a JS value). */
export function jsonFieldText(value: unknown, column: TargetColumn, fromJson: boolean): string | undefined {
  if (value instanceof JsonNumber) return value.text;
  if (value instanceof JsonContainer) {
    return value.isArray && isArrayColumn(column) ? arrayLiteral(value, 1) : value.text;
  }
  if (!fromJson) return undefined;
  if (typeof value === 'string') return isJsonColumn(column) ? JSON.stringify(value) : value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}

export function isJsonColumn(column: TargetColumn): boolean {
  return column.baseTypeName === 'json' || column.baseTypeName === 'jsonb';
}

function isArrayColumn(column: TargetColumn): boolean {
  return column.baseTypeName.startsWith('_') || column.typeName.startsWith('_');
}

/**
 * A string no column can store: a lone UTF-16 surrogate in a JS string (rows in memory; the JSON
 * parser refuses unpaired `\ud800` escapes itself) has no UTF-8 form, and TextEncoder would silently
 * write U+FFFD for it. jsonb_in and json_populate_record refuse the JSON equivalent (22P02).
 */
export function loneSurrogateError(value: string, line: number, column: TargetColumn): BadRowError | null {
  const found = LONE_SURROGATE.exec(value);
  if (found === null) return null;
  const unit = found[0].charCodeAt(0).toString(16);
  return new BadRowError(
    `line ${line}, column ${column.name} (${column.formatType}): the string holds a lone UTF-16 surrogate ` +
      `(\\u${unit} without its pair), which is not a character and cannot be stored; value ${JSON.stringify(preview(value))}`,
    { line, column: column.name, value: preview(value), sqlstate: SqlState.InvalidTextRepresentation },
  );
}

/** `{"1","2"}`, `{{"a"},{"b"}}`: every element quoted, so no element text needs analysis. */
function arrayLiteral(array: JsonContainer, depth: number): string {
  if (depth > MAX_DIMENSIONS) {
    throw new Error(`number of array dimensions (${depth}) exceeds the maximum allowed (${MAX_DIMENSIONS})`);
  }
  const parts = (array.value as JsonValue[]).map((item) => {
    if (item === null) return 'NULL';
    if (item instanceof JsonContainer && item.isArray) return arrayLiteral(item, depth + 1);
    // Numbers and booleans need no escaping; strings and objects may hold quotes and backslashes.
    if (item instanceof JsonNumber || typeof item === 'boolean') return `"${String(item)}"`;
    const text = String(item);
    return text.includes('"') || text.includes('\\') ? `"${text.replace(/["\\]/g, '\\$&')}"` : `"${text}"`;
  });
  return `{${parts.join(',')}}`;
}
