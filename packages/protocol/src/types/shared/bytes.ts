/**
 * Big-endian reads from a Uint8Array at an offset, and exact int64 ⇄ number arithmetic, shared by the
 * binary codecs. Reads go byte by byte rather than through a DataView so that decoding a field never
 * allocates one (the bytes are a COPY chunk or DataRow the codec does not own).
 */

import type { Writer } from '../../wire/writer.ts';

const TWO_32 = 4_294_967_296;

/** Scratch for float reads: 8 bytes copied in, read back through a DataView made once. */
const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

export function readInt16(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16)) >> 16;
}

export function readUint16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

export function readInt32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
}

export function readUint32(bytes: Uint8Array, at: number): number {
  return readInt32(bytes, at) >>> 0;
}

export function readFloat32(bytes: Uint8Array, at: number): number {
  for (let i = 0; i < 4; i++) scratchBytes[i] = bytes[at + i]!;
  return scratch.getFloat32(0);
}

export function readFloat64(bytes: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) scratchBytes[i] = bytes[at + i]!;
  return scratch.getFloat64(0);
}

export function readBigInt64(bytes: Uint8Array, at: number): bigint {
  const high = readInt32(bytes, at);
  const low = readUint32(bytes, at + 4);
  // Within ±2^53 the double is exact and BigInt(number) skips the bigint multiply.
  if (high >= -0x200000 && high < 0x200000) return BigInt(high * TWO_32 + low);
  return (BigInt(high) << 32n) | BigInt(low);
}

/** Quotient and remainder of the last `divideInt64` call (module scratch: no object per call). */
export const int64Division = { quotient: 0, remainder: 0 };

/**
 * Divides the int64 that `high`/`low` spell (signed high word, unsigned low word) by `divisor`,
 * rounding toward −∞, exactly as long as the quotient is within ±2^53; the results land in
 * `int64Division` (remainder in [0, divisor)). Turns µs into ms or s without a bigint: with
 * 2^32 = q·divisor + r, high·2^32 + low = high·q·divisor + (high·r + low), and high·r + low is exact.
 */
export function divideInt64(high: number, low: number, divisor: number): void {
  const q = Math.floor(TWO_32 / divisor);
  const r = TWO_32 - q * divisor;
  const rest = high * r + low;
  const restQuotient = Math.floor(rest / divisor);
  int64Division.quotient = high * q + restQuotient;
  int64Division.remainder = rest - restQuotient * divisor;
}

/** Appends an integral number within ±2^53 as an int64 (two's complement), with no bigint. */
export function writeInt64Number(w: Writer, value: number): void {
  // floor keeps the low word in [0, 2^32) for negative values too: −1 = −1·2^32 + (2^32 − 1).
  const high = Math.floor(value / TWO_32);
  const low = value - high * TWO_32;
  w.ensure(8);
  w.view.setInt32(w.length, high);
  w.view.setUint32(w.length + 4, low);
  w.length += 8;
}

/**
 * Appends `a · multiplier + b` as an int64, exactly, for integral `a` within ±2^53 and a product up
 * to ±2^63 (timestamps: ms · 1000 + µs goes past 2^53 after the year 2255). `a` is split at 2^32 so
 * every partial product is exact in a double.
 */
export function writeInt64Product(w: Writer, a: number, multiplier: number, b: number): void {
  const aHigh = Math.floor(a / TWO_32);
  const aLow = a - aHigh * TWO_32;
  const lowProduct = aLow * multiplier + b; // < 2^32 · 2^20: exact
  const carry = Math.floor(lowProduct / TWO_32);
  w.ensure(8);
  w.view.setInt32(w.length, aHigh * multiplier + carry);
  w.view.setUint32(w.length + 4, lowProduct - carry * TWO_32);
  w.length += 8;
}
