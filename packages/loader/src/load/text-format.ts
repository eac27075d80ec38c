/**
 * COPY text format (tab-delimited, backslash escapes, `\N` for NULL): the fallback when a column's
 * type has no binary converter. The server parses each field with the type's input function, exactly
 * as `\copy` would have it parse the same text.
 */
import type { Writer } from '@haul/protocol';

const BACKSLASH = 0x5c;
const textEncoder = new TextEncoder();

/** Appends bytes[start, end) escaped for COPY text format: backslash, tab, newline and CR. */
export function writeTextField(w: Writer, bytes: Uint8Array, start: number, end: number): void {
  w.ensure((end - start) * 2);
  const out = w.bytes;
  let at = w.length;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b > BACKSLASH || (b !== BACKSLASH && b > 0x0d)) {
      out[at++] = b;
      continue;
    }
    switch (b) {
      case BACKSLASH:
        out[at++] = BACKSLASH;
        out[at++] = BACKSLASH;
        break;
      case 0x09:
        out[at++] = BACKSLASH;
        out[at++] = 0x74; // t
        break;
      case 0x0a:
        out[at++] = BACKSLASH;
        out[at++] = 0x6e; // n
        break;
      case 0x0d:
        out[at++] = BACKSLASH;
        out[at++] = 0x72; // r
        break;
      default:
        out[at++] = b;
    }
  }
  w.length = at;
}

/** Appends a JS value's PostgreSQL text form, escaped; `json` for json/jsonb columns (arrays stay JSON). */
export function writeTextValue(w: Writer, value: unknown, json: boolean): void {
  writeTextString(w, json && typeof value !== 'string' ? JSON.stringify(value) : textOf(value));
}

/** Appends a field's text, escaped. */
export function writeTextString(w: Writer, text: string): void {
  const bytes = textEncoder.encode(text);
  writeTextField(w, bytes, 0, bytes.length);
}

function textOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
    default:
      break;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) {
    let hex = '\\x';
    for (const byte of value) hex += byte.toString(16).padStart(2, '0');
    return hex;
  }
  if (Array.isArray(value)) return arrayLiteral(value);
  return JSON.stringify(value);
}

/** `{a,"b c",NULL}`: every element quoted, so no element text needs analysis. */
function arrayLiteral(values: readonly unknown[]): string {
  const parts = values.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item);
    return `"${textOf(item).replace(/["\\]/g, '\\$&')}"`;
  });
  return `{${parts.join(',')}}`;
}
