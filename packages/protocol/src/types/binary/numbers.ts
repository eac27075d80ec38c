/**
 * int2, int4, int8, float4, float8 in binary format: big-endian two's complement integers of 2, 4 and
 * 8 bytes, and IEEE 754 floats of 4 and 8 bytes (PostgreSQL's int2send … float8send).
 *
 * Integers accept a number (integral and safe), a bigint, or a decimal string (PostgreSQL's int input
 * syntax: optional sign, digits, surrounding spaces); floats accept a number or a string in float
 * syntax including NaN and [-]Infinity. int8 decodes to bigint (Haul's default for int8, exact), the
 * others to number.
 */

import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import { readBigInt64, readFloat32, readFloat64, readInt16, readInt32, writeInt64Number } from './bytes.ts';
import { type BinaryCodec, expectLength, ValueError, wrongKind } from './codec.ts';

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
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

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

function rangeError(type: string, min: number | bigint, max: number | bigint): ValueError {
  return new ValueError(`integer out of range for ${type} (${min}..${max})`);
}

/** A value for int2/int4 → a number within [min, max], or a ValueError. */
function smallInteger(type: string, value: unknown, min: number, max: number): number {
  let n: number;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      throw new ValueError(`${type} expects an integer, not ${value}`);
    }
    n = value;
  } else if (typeof value === 'bigint') {
    if (value < BigInt(min) || value > BigInt(max)) throw rangeError(type, min, max);
    return Number(value);
  } else if (typeof value === 'string') {
    if (!INTEGER_TEXT.test(value)) throw new ValueError(`invalid input syntax for ${type}`);
    n = Number(value);
  } else {
    throw wrongKind(type, 'a number, bigint or decimal string', value);
  }
  if (n < min || n > max) throw rangeError(type, min, max);
  return n;
}

export const int2Codec: BinaryCodec = {
  name: 'int2',
  oid: Oid.int2,
  encode(w: Writer, value: unknown): void {
    w.i16(smallInteger('int2', value, -32768, 32767));
  },
  decode(bytes, start, end): number {
    expectLength('int2', 2, start, end);
    return readInt16(bytes, start);
  },
};

export const int4Codec: BinaryCodec = {
  name: 'int4',
  oid: Oid.int4,
  encode(w: Writer, value: unknown): void {
    w.i32(smallInteger('int4', value, -2147483648, 2147483647));
  },
  decode(bytes, start, end): number {
    expectLength('int4', 4, start, end);
    return readInt32(bytes, start);
  },
};

export const int8Codec: BinaryCodec = {
  name: 'int8',
  oid: Oid.int8,
  encode(w: Writer, value: unknown): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) {
        // 2^53 and above are representable doubles, but most of them stand for a rounded value the
        // caller never meant: ask for the exact form instead of storing the rounding.
        throw new ValueError(
          Number.isInteger(value)
            ? `int8 value ${value} is beyond ±2^53, where a number is not exact; pass a bigint or string`
            : `int8 expects an integer, not ${value}`,
        );
      }
      writeInt64Number(w, value);
      return;
    }
    let n: bigint;
    if (typeof value === 'bigint') n = value;
    else if (typeof value === 'string') {
      if (!INTEGER_TEXT.test(value)) throw new ValueError('invalid input syntax for int8');
      n = BigInt(value.trim());
    } else throw wrongKind('int8', 'a number, bigint or decimal string', value);
    if (n < INT8_MIN || n > INT8_MAX) throw rangeError('int8', INT8_MIN, INT8_MAX);
    w.ensure(8);
    w.view.setBigInt64(w.length, n);
    w.length += 8;
  },
  decode(bytes, start, end): bigint {
    expectLength('int8', 8, start, end);
    return readBigInt64(bytes, start);
  },
};

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
