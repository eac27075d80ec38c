/**
 * Arrays in binary format (array_send/array_recv):
 *
 *   int32 ndim          dimensions, 0 for an empty array, at most 6 (MAXDIM)
 *   int32 flags         1 if any element is NULL, else 0
 *   int32 element OID   must be the column's element type, or the server refuses the value
 *   per dimension       int32 length, int32 lower bound (we send 1, as array literals default to)
 *   per element         int32 length (-1 for NULL) and the element's binary format, row-major
 *
 * JS side: nested arrays, one level per dimension, rectangular (every sub-array at a depth has the
 * same length); null and undefined are NULL elements. A JS array is always a dimension, never an
 * element value: to put a JSON array into a json[] element, pass its JSON text. Decoding ignores
 * lower bounds (JS arrays start at 0), as the text decoder does.
 */

import { ProtocolError } from '../../errors.ts';
import type { Writer } from '../../wire/writer.ts';
import { readInt32 } from '../shared/bytes.ts';
import { type BinaryCodec, ValueError, wrongKind } from '../shared/codec.ts';
import { MAX_ARRAY_DIMENSIONS } from './text.ts';

/**
 * The codec for arrays of `element` values, with the array type's OID (pg_type.typarray). The
 * element codec must have a real OID: the server checks it against the column's element type.
 */
export function arrayCodec(element: BinaryCodec, arrayOid: number): BinaryCodec {
  if (element.oid === 0) {
    throw new TypeError(`an array of ${element.name} needs the element type's OID (found in pg_type)`);
  }
  const type = `_${element.name}`;
  // Dimension lengths of the value being encoded; encode never nests (elements are not arrays).
  const dims: number[] = [];
  let hasNull = false;

  function writeLevel(w: Writer, items: readonly unknown[], depth: number): void {
    if (items.length !== dims[depth]) {
      throw new ValueError(
        `${type}: multidimensional arrays must be rectangular (a sub-array at depth ${depth + 1} has ` +
          `${items.length} elements, the first has ${dims[depth]})`,
      );
    }
    const leaf = depth === dims.length - 1;
    for (const item of items) {
      if (!leaf) {
        if (!Array.isArray(item)) {
          throw new ValueError(
            `${type}: multidimensional arrays must be rectangular (found a value where a sub-array was expected)`,
          );
        }
        writeLevel(w, item, depth + 1);
      } else if (item === null || item === undefined) {
        hasNull = true;
        w.i32(-1);
      } else if (Array.isArray(item)) {
        throw new ValueError(
          `${type}: multidimensional arrays must be rectangular (found a sub-array where a value was expected)`,
        );
      } else {
        const at = w.beginValue();
        element.encode(w, item);
        w.endValue(at);
      }
    }
  }

  /** Whether `items` (at `depth`) has the lengths in `dims` all the way down to the empty level. */
  function emptyShape(items: readonly unknown[], depth: number): boolean {
    if (items.length !== dims[depth]) return false;
    return items.every((item) => Array.isArray(item) && emptyShape(item, depth + 1));
  }

  return {
    name: type,
    oid: arrayOid,
    encode(w, value) {
      if (!Array.isArray(value)) throw wrongKind(type, 'an array', value);
      dims.length = 0;
      let total = 1;
      for (let level: unknown = value; Array.isArray(level); level = level[0]) {
        if (dims.length === MAX_ARRAY_DIMENSIONS) {
          throw new ValueError(`${type}: more than ${MAX_ARRAY_DIMENSIONS} dimensions (PostgreSQL's MAXDIM)`);
        }
        dims.push(level.length);
        total *= level.length;
        if (level.length === 0) break;
      }
      w.ensure(12 + 8 * dims.length);
      if (total === 0) {
        if (!emptyShape(value, 0)) {
          throw new ValueError(
            `${type}: multidimensional arrays must be rectangular (empty and non-empty sub-arrays mixed)`,
          );
        }
        // [] and [[], []] alike: the server stores every array without elements as zero-dimensional.
        w.i32(0).i32(0).i32(element.oid);
        return;
      }
      w.i32(dims.length);
      const flagsAt = w.length;
      w.i32(0).i32(element.oid);
      for (const length of dims) w.i32(length).i32(1);
      hasNull = false;
      writeLevel(w, value, 0);
      if (hasNull) w.view.setInt32(flagsAt, 1);
    },
    decode(bytes, start, end): unknown[] {
      if (end - start < 12) malformed(type, 'shorter than its header');
      const ndim = readInt32(bytes, start);
      const flags = readInt32(bytes, start + 4);
      const elementOid = readInt32(bytes, start + 8) >>> 0;
      if (ndim < 0 || ndim > MAX_ARRAY_DIMENSIONS) malformed(type, `${ndim} dimensions`);
      if (flags !== 0 && flags !== 1) malformed(type, `flags ${flags}`);
      if (elementOid !== element.oid) malformed(type, `element type ${elementOid}, expected ${element.oid}`);
      if (ndim === 0) return [];
      const cursor: Cursor = { type, element, bytes, end, pos: start + 12, lengths: [] };
      if (end - cursor.pos < 8 * ndim) malformed(type, 'dimensions cut short');
      for (let d = 0; d < ndim; d++, cursor.pos += 8) {
        const length = readInt32(bytes, cursor.pos);
        if (length < 0) malformed(type, `dimension of length ${length}`);
        cursor.lengths.push(length);
      }
      const items = readLevel(cursor, 0);
      if (cursor.pos !== end) malformed(type, `${end - cursor.pos} bytes after the last element`);
      return items;
    },
  };
}

/** Decoding state of one array value: where its elements are and how far reading has got. */
interface Cursor {
  readonly type: string;
  readonly element: BinaryCodec;
  readonly bytes: Uint8Array;
  readonly end: number;
  pos: number;
  /** Length of each dimension. */
  readonly lengths: number[];
}

/** The sub-array at `depth` (its elements, or its sub-arrays), row-major. */
function readLevel(cursor: Cursor, depth: number): unknown[] {
  const length = cursor.lengths[depth]!;
  const items: unknown[] = new Array(length);
  const leaf = depth === cursor.lengths.length - 1;
  const { bytes, end } = cursor;
  for (let i = 0; i < length; i++) {
    if (!leaf) {
      items[i] = readLevel(cursor, depth + 1);
      continue;
    }
    if (end - cursor.pos < 4) malformed(cursor.type, 'element length cut short');
    const size = readInt32(bytes, cursor.pos);
    cursor.pos += 4;
    if (size === -1) {
      items[i] = null;
      continue;
    }
    if (size < 0 || size > end - cursor.pos) {
      malformed(cursor.type, `element of ${size} bytes with ${end - cursor.pos} left`);
    }
    items[i] = cursor.element.decode(bytes, cursor.pos, cursor.pos + size);
    cursor.pos += size;
  }
  return items;
}

function malformed(type: string, why: string): never {
  throw new ProtocolError(`${type}: malformed binary array (${why})`);
}
