/**
 * Big-endian int64 writes from JS numbers without BigInt. Values beyond 2^53 (int8 ids of 16+
 * digits, timestamps more than ~285 years from 2000) are given as `a * multiplier + b` and split into
 * 32-bit words with products that each stay exact in a double.
 */

const TWO_16 = 65_536;
const TWO_32 = 4_294_967_296;

/** Writes the int32 `v` at bytes[at]. */
export function putInt32(bytes: Uint8Array, at: number, v: number): void {
  bytes[at] = v >>> 24;
  bytes[at + 1] = (v >>> 16) & 0xff;
  bytes[at + 2] = (v >>> 8) & 0xff;
  bytes[at + 3] = v & 0xff;
}

/** Writes the int64 given as its high (signed or not, taken mod 2^32) and low 32-bit words. */
export function putWords(bytes: Uint8Array, at: number, high: number, low: number): void {
  putInt32(bytes, at, high | 0);
  putInt32(bytes, at + 4, low | 0);
}

/** Writes a safe integer (|v| <= 2^53) as int64. */
export function putSafeInt64(bytes: Uint8Array, at: number, v: number): void {
  const high = Math.floor(v / TWO_32);
  putWords(bytes, at, high, v - high * TWO_32);
}

/**
 * Writes ±(a · multiplier + b) as int64, where a, b >= 0 are integers, b < 2^32, and
 * (a / 2^16) · multiplier < 2^53 (true for a < 2^34 with multiplier 10^9, and a < 2^44 with 10^6).
 * The magnitude must fit: at most 2^63 - 1, or 2^63 when negative (callers range-check first).
 */
export function putInt64MulAdd(
  bytes: Uint8Array,
  at: number,
  a: number,
  multiplier: number,
  b: number,
  negative: boolean,
): void {
  const aHigh = Math.floor(a / TWO_16);
  const aLow = a - aHigh * TWO_16;
  // a·m + b = x·2^16 + y, both exact.
  const x = aHigh * multiplier;
  const y = aLow * multiplier + b;
  const xHigh = Math.floor(x / TWO_16);
  const z = (x - xHigh * TWO_16) * TWO_16 + y;
  const zHigh = Math.floor(z / TWO_32);
  let high = xHigh + zHigh;
  let low = z - zHigh * TWO_32;
  if (negative) {
    // Two's complement of the 64-bit magnitude.
    if (low === 0) high = -high;
    else {
      low = TWO_32 - low;
      high = -high - 1;
    }
  }
  putWords(bytes, at, high, low);
}

/**
 * Writes seconds · 10^6 + micros as int64 (a timestamp or time in µs); |seconds| < 2^44 and
 * 0 <= micros <= 10^6.
 */
export function putMicros(bytes: Uint8Array, at: number, seconds: number, micros: number): void {
  if (seconds > -9e9 && seconds < 9e9) {
    putSafeInt64(bytes, at, seconds * 1_000_000 + micros);
  } else if (seconds >= 0) {
    putInt64MulAdd(bytes, at, seconds, 1_000_000, micros, false);
  } else if (micros === 0) {
    putInt64MulAdd(bytes, at, -seconds, 1_000_000, 0, true);
  } else {
    // -(|s|·10^6 - µs) = -((|s| - 1)·10^6 + (10^6 - µs))
    putInt64MulAdd(bytes, at, -seconds - 1, 1_000_000, 1_000_000 - micros, true);
  }
}
