/**
 * int2, int4, int8 in binary format: big-endian two's complement integers of 2, 4 and 8 bytes
 * (PostgreSQL's int2send … int8send). They accept a number (integral and safe), a bigint, or a
 * decimal string (PostgreSQL's int input syntax: optional sign, digits, surrounding spaces). int8
 * decodes to bigint (Haul's default for int8, exact), the others to number.
 */

import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import { readBigInt64, readInt16, readInt32, writeInt64Number } from '../shared/bytes.ts';
import { type BinaryCodec, expectLength, ValueError, wrongKind } from '../shared/codec.ts';

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

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
