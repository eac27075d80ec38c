/**
 * PostgreSQL array literals in text format, both directions: `{1,2,NULL}`, `{{"a b","c\"d"},{e,f}}`,
 * `[0:1]={x,y}`. Parsing works on the DataRow bytes: every structural character (`{ } , ; " \`) is
 * ASCII and never occurs inside a multi-byte UTF-8 sequence, so element byte ranges go straight to the
 * element type's decoder without building a string for the whole literal.
 */

import { ProtocolError } from '../../errors.ts';
import type { FieldDecoder } from '../registry.ts';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** PostgreSQL's MAXDIM: arrays have at most 6 dimensions. */
export const MAX_ARRAY_DIMENSIONS = 6;

/** Reads one literal; holds the cursor so the recursive steps need not return it. */
class ArrayLiteralParser {
  private pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly start: number,
    private readonly end: number,
    private readonly element: FieldDecoder,
    private readonly delimiter: number,
  ) {
    this.pos = start;
  }

  parse(): unknown[] {
    // Arrays whose lower bound is not 1 carry their bounds first ("[0:1]={...}"); JS arrays start at
    // 0 whatever the bounds, so they are skipped.
    if (this.bytes[this.pos] === OPEN_BRACKET) {
      const equals = this.bytes.indexOf(EQUALS, this.pos);
      if (equals < 0 || equals >= this.end) this.fail('dimension decoration without "="');
      this.pos = equals + 1;
    }
    if (this.pos >= this.end || this.bytes[this.pos] !== OPEN_BRACE) this.fail('expected "{"');
    const items = this.list(1);
    if (this.pos !== this.end) this.fail('text after the closing "}"');
    return items;
  }

  /** At "{": the items up to the matching "}". */
  private list(depth: number): unknown[] {
    if (depth > MAX_ARRAY_DIMENSIONS) this.fail(`more than ${MAX_ARRAY_DIMENSIONS} dimensions`);
    this.pos++;
    const items: unknown[] = [];
    if (this.pos < this.end && this.bytes[this.pos] === CLOSE_BRACE) {
      this.pos++;
      return items;
    }
    // Every read checks `end`: the bytes past it are the next field of the row, not padding.
    for (;;) {
      if (this.pos >= this.end) this.fail('unterminated array');
      const byte = this.bytes[this.pos];
      if (byte === OPEN_BRACE) items.push(this.list(depth + 1));
      else if (byte === QUOTE) items.push(this.quoted());
      else items.push(this.unquoted());
      if (this.pos >= this.end) this.fail('unterminated array');
      const next = this.bytes[this.pos++];
      if (next === CLOSE_BRACE) return items;
      if (next !== this.delimiter) this.fail('expected a delimiter or "}"');
    }
  }

  /** At '"': the element up to the closing quote, with backslash escapes removed. */
  private quoted(): unknown {
    const from = ++this.pos;
    let escapes = 0;
    for (; this.pos < this.end; this.pos++) {
      const byte = this.bytes[this.pos];
      if (byte === QUOTE) break;
      if (byte === BACKSLASH) {
        escapes++;
        this.pos++;
      }
    }
    if (this.pos >= this.end) this.fail('unterminated quoted element');
    const to = this.pos++;
    if (escapes === 0) return this.element(this.bytes, from, to);
    // A fresh copy, not a shared scratch buffer: the element decoder may itself parse an array.
    const unescaped = new Uint8Array(to - from - escapes);
    for (let i = from, o = 0; i < to; i++, o++) {
      if (this.bytes[i] === BACKSLASH) i++;
      unescaped[o] = this.bytes[i]!;
    }
    return this.element(unescaped, 0, unescaped.length);
  }

  /** An unquoted element or NULL. The server quotes anything with spaces, quotes or backslashes. */
  private unquoted(): unknown {
    const from = this.pos;
    while (this.pos < this.end) {
      const byte = this.bytes[this.pos];
      if (byte === this.delimiter || byte === CLOSE_BRACE) break;
      this.pos++;
    }
    if (this.pos === from) this.fail('empty unquoted element');
    if (this.pos - from === 4 && isNull(this.bytes, from)) return null;
    return this.element(this.bytes, from, this.pos);
  }

  private fail(reason: string): never {
    throw new ProtocolError(`malformed array literal: ${reason} at offset ${this.pos - this.start}`);
  }
}

/** Unquoted NULL, in any case (the server writes it in capitals; input accepts any case). */
function isNull(bytes: Uint8Array, at: number): boolean {
  return (
    (bytes[at]! | 0x20) === 0x6e &&
    (bytes[at + 1]! | 0x20) === 0x75 &&
    (bytes[at + 2]! | 0x20) === 0x6c &&
    (bytes[at + 3]! | 0x20) === 0x6c
  );
}

/**
 * Array literal in bytes[start, end) → nested JS arrays (one level per dimension), each element
 * decoded by `element` and SQL NULL as null. `delimiter` is the element type's typdelim: ',' for all
 * built-in types but box (';').
 */
export function decodeArray(
  bytes: Uint8Array,
  start: number,
  end: number,
  element: FieldDecoder,
  delimiter = ',',
): unknown[] {
  return new ArrayLiteralParser(bytes, start, end, element, delimiter.charCodeAt(0)).parse();
}

/** A FieldDecoder for an array type, given its element type's decoder and delimiter. */
export function arrayDecoder(element: FieldDecoder, delimiter = ','): FieldDecoder {
  const code = delimiter.charCodeAt(0);
  return (bytes, start, end) => new ArrayLiteralParser(bytes, start, end, element, code).parse();
}

const NEEDS_ESCAPE = /[\\"]/g;

/** Element text → its literal form: double-quoted, with `"` and `\` backslash-escaped. */
export function quoteArrayElement(text: string): string {
  return `"${text.replace(NEEDS_ESCAPE, '\\$&')}"`;
}

/**
 * Nested JS arrays → an array literal. null and undefined become NULL; `element` gives every other
 * value's literal form (quoted with quoteArrayElement unless it cannot need it, as for numbers).
 * Throws RangeError past MAX_ARRAY_DIMENSIONS levels, which also stops a self-containing array.
 */
export function encodeArray(
  values: readonly unknown[],
  element: (value: unknown) => string,
  delimiter = ',',
  depth = 1,
): string {
  if (depth > MAX_ARRAY_DIMENSIONS) {
    throw new RangeError(`array nested deeper than PostgreSQL's ${MAX_ARRAY_DIMENSIONS} dimensions`);
  }
  let text = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) text += delimiter;
    const value = values[i];
    if (value === null || value === undefined) text += 'NULL';
    else if (Array.isArray(value)) text += encodeArray(value, element, delimiter, depth + 1);
    else text += element(value);
  }
  return `${text}}`;
}
