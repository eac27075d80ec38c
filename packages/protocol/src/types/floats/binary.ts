/**
 * float4, float8 in binary format: IEEE 754 floats of 4 and 8 bytes (PostgreSQL's float4send,
 * float8send). They accept a number or a string in float syntax including NaN and [-]Infinity.
 */

import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import { readFloat32, readFloat64 } from '../shared/bytes.ts';
import { type BinaryCodec, expectLength, ValueError, wrongKind } from '../shared/codec.ts';

const FLOAT_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const FLOAT_SPECIAL: ReadonlyMap<string, number> = new Map([
  ['nan', Number.NaN],
  ['infinity', Number.POSITIVE_INFINITY],
  ['+infinity', Number.POSITIVE_INFINITY],
  ['-infinity', Number.NEGATIVE_INFINITY],
  ['inf', Number.POSITIVE_INFINITY],
  ['+inf', Number.POSITIVE_INFINITY],
  ['-inf', Number.NEGATIVE_INFINITY],
]);

/** A value for float4/float8 → a number (the caller narrows to float4). */
function floatValue(type: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (FLOAT_TEXT.test(value)) {
      const n = Number(value);
      // float8in refuses text that overflows to infinity or underflows to zero.
      if (!Number.isFinite(n) || (n === 0 && /[1-9]/.test(value.split(/[eE]/)[0]!))) {
        throw new ValueError(`"${value.trim()}" is out of range for ${type}`);
      }
      return n;
    }
    const special = FLOAT_SPECIAL.get(value.trim().toLowerCase());
    if (special !== undefined) return special;
    throw new ValueError(`invalid input syntax for ${type}`);
  }
  throw wrongKind(type, 'a number or numeric string', value);
}

export const float4Codec: BinaryCodec = {
  name: 'float4',
  oid: Oid.float4,
  encode(w: Writer, value: unknown): void {
    const n = floatValue('float4', value);
    const narrowed = Math.fround(n);
    // float4in refuses values that overflow to infinity or underflow to zero; do the same rather
    // than store a silently different value.
    if (!Number.isFinite(narrowed) && Number.isFinite(n)) {
      throw new ValueError(`value out of range for float4: overflow`);
    }
    if (narrowed === 0 && n !== 0) throw new ValueError(`value out of range for float4: underflow`);
    w.ensure(4);
    w.view.setFloat32(w.length, narrowed);
    w.length += 4;
  },
  decode(bytes, start, end): number {
    expectLength('float4', 4, start, end);
    // The float32's exact value. The text path yields the shortest decimal instead (0.1 rather
    // than 0.10000000149011612); Math.fround maps both to the same float.
    return readFloat32(bytes, start);
  },
};

export const float8Codec: BinaryCodec = {
  name: 'float8',
  oid: Oid.float8,
  encode(w: Writer, value: unknown): void {
    const n = floatValue('float8', value);
    w.ensure(8);
    w.view.setFloat64(w.length, n);
    w.length += 8;
  },
  decode(bytes, start, end): number {
    expectLength('float8', 8, start, end);
    return readFloat64(bytes, start);
  },
};
