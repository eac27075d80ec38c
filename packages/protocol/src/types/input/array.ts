/**
 * One-dimensional arrays from PostgreSQL's array literal text ('{1,2,NULL}', '{"a b","c\"d"}'), as
 * array_in reads it, into array_send's format:
 *
 *   int32 ndim (1, or 0 for '{}'), int32 flags (1 if any element is NULL), int32 element type OID,
 *   int32 length and int32 lower bound (1) of the dimension, then each element as int32 byte length
 *   (-1 for NULL) and the element type's binary value.
 *
 * Elements are separated by commas; an element in double quotes keeps its whitespace, one without has
 * it trimmed, and in both a backslash takes the next character literally. An unquoted NULL (any case)
 * is NULL. Each element's text goes through the element type's converter, so it is read (and
 * refused) as the element type's input function would. Nested braces (more dimensions) and explicit
 * bounds ('[0:1]={…}') are valid but not converted. array_recv checks the element type OID, so only
 * built-in element types with fixed OIDs are supported.
 */

import type { Writer } from '../../wire/writer.ts';
import { ValueError } from '../binary/codec.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { isSpace, skipSpace } from './ascii.ts';
import { notConverted, quoted } from './input-errors.ts';
import { putInt32 } from './int64.ts';

/** pg_type OIDs of the element types that have converters. */
export const BUILTIN_OIDS: Readonly<Record<string, number>> = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  cidr: 650,
  float4: 700,
  float8: 701,
  macaddr8: 774,
  money: 790,
  macaddr: 829,
  inet: 869,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/** De-escaped element text, reused (an element converter never keeps its input). */
let scratch = new Uint8Array(256);

/** array_in's message (its DETAIL, which says what is wrong where, is not part of the message). */
function malformed(bytes: Uint8Array, start: number, end: number): ValueError {
  return new ValueError(`malformed array literal: "${quoted(bytes, start, end)}"`);
}

/** Where the last element scan put the element: in `bytes` or in `scratch`, and what follows it. */
const element = { fromScratch: false, start: 0, end: 0, isNull: false, next: 0 };

/** A quoted element at `at` (the opening quote). Sets `element`; returns the index after the quote. */
function readQuoted(bytes: Uint8Array, at: number, end: number, start: number): number {
  let i = at + 1;
  let escaped = false;
  const from = i;
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) break;
    if (c === BACKSLASH) {
      escaped = true;
      i++;
    }
  }
  if (i >= end) throw malformed(bytes, start, end);
  element.isNull = false;
  if (!escaped) {
    element.fromScratch = false;
    element.start = from;
    element.end = i;
  } else {
    let length = 0;
    if (scratch.length < i - from) scratch = new Uint8Array(2 * (i - from));
    for (let k = from; k < i; k++) {
      if (bytes[k] === BACKSLASH) k++;
      scratch[length++] = bytes[k]!;
    }
    element.fromScratch = true;
    element.start = 0;
    element.end = length;
  }
  return i + 1;
}

/** An unquoted element at `at`. Sets `element`; returns the index of the ',' or '}' after it. */
function readUnquoted(bytes: Uint8Array, at: number, end: number, start: number): number {
  let i = at;
  let escaped = false;
  /** End of the element after trimming: past the last non-space or escaped character. */
  let last = at;
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c === COMMA || c === CLOSE) break;
    if (c === QUOTE || c === OPEN) throw malformed(bytes, start, end);
    if (c === BACKSLASH) {
      if (++i >= end) break;
      escaped = true;
      last = i + 1;
    } else if (!isSpace(c)) last = i + 1;
  }
  if (i >= end) throw malformed(bytes, start, end);
  if (last === at) throw malformed(bytes, start, end);
  element.isNull = false;
  if (!escaped) {
    element.fromScratch = false;
    element.start = at;
    element.end = last;
    element.isNull =
      last - at === 4 &&
      (bytes[at]! | 0x20) === 0x6e &&
      (bytes[at + 1]! | 0x20) === 0x75 &&
      (bytes[at + 2]! | 0x20) === 0x6c &&
      (bytes[at + 3]! | 0x20) === 0x6c;
  } else {
    let length = 0;
    if (scratch.length < last - at) scratch = new Uint8Array(2 * (last - at));
    for (let k = at; k < last; k++) {
      if (bytes[k] === BACKSLASH) k++;
      scratch[length++] = bytes[k]!;
    }
    element.fromScratch = true;
    element.start = 0;
    element.end = length;
  }
  return i;
}

export function arrayConverter(elementConverter: FieldConverter, elementOid: number): FieldConverter {
  return {
    type: `_${elementConverter.type}`,
    write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
      let i = skipSpace(bytes, start, end);
      if (bytes[i] === 0x5b && i < end) {
        throw notConverted(
          `${elementConverter.type}[]`,
          bytes,
          start,
          end,
          'explicit array bounds are not converted',
        );
      }
      if (i >= end || bytes[i] !== OPEN) throw malformed(bytes, start, end);
      i = skipSpace(bytes, i + 1, end);
      const header = w.length;
      w.ensure(20);
      putInt32(w.bytes, header, 1);
      putInt32(w.bytes, header + 4, 0);
      putInt32(w.bytes, header + 8, elementOid);
      putInt32(w.bytes, header + 16, 1);
      w.length = header + 20;
      let count = 0;
      let hasNull = false;
      if (i < end && bytes[i] === CLOSE) {
        // '{}': no dimensions at all.
        putInt32(w.bytes, header, 0);
        w.length = header + 12;
        i++;
      } else {
        for (;;) {
          if (i >= end) throw malformed(bytes, start, end);
          const c = bytes[i]!;
          if (c === OPEN) {
            throw notConverted(
              `${elementConverter.type}[]`,
              bytes,
              start,
              end,
              'arrays of more than one dimension are not converted',
            );
          }
          if (c === QUOTE) i = skipSpace(bytes, readQuoted(bytes, i, end, start), end);
          else i = readUnquoted(bytes, i, end, start);
          const at = w.length;
          w.ensure(4);
          w.length = at + 4;
          if (element.isNull) {
            hasNull = true;
            putInt32(w.bytes, at, -1);
            w.length = at + 4;
          } else {
            const source = element.fromScratch ? scratch : bytes;
            elementConverter.write(w, source, element.start, element.end);
            putInt32(w.bytes, at, w.length - at - 4);
          }
          count++;
          const delimiter = i < end ? bytes[i] : undefined;
          if (delimiter === CLOSE) {
            i++;
            break;
          }
          if (delimiter !== COMMA) throw malformed(bytes, start, end);
          i = skipSpace(bytes, i + 1, end);
        }
        putInt32(w.bytes, header + 4, hasNull ? 1 : 0);
        putInt32(w.bytes, header + 12, count);
      }
      if (skipSpace(bytes, i, end) !== end) throw malformed(bytes, start, end);
    },
  };
}
