/**
 * Text-format decoders for int2, int4, oid and int8. Each takes the field's byte range in a DataRow,
 * as the server wrote it (ASCII, no padding).
 */

import { decodeAscii } from '../text/text.ts';

const MINUS = 0x2d;
const ZERO = 0x30;

/**
 * Digits a double holds exactly: any 15-digit integer is below 2^53, so accumulating it digit by digit
 * never rounds. Longer int8 values take the string route.
 */
const EXACT_DIGITS = 15;

/**
 * int2, int4 and oid (unsigned 32-bit) → number, straight from the digits with no string built. The
 * input is trusted server output (`-?[0-9]+`), so digits are not re-validated.
 */
export function decodeInt(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = bytes[i] === MINUS;
  if (negative) i++;
  let value = 0;
  for (; i < end; i++) value = value * 10 + (bytes[i]! - ZERO);
  // 0 - value rather than -value: "-0" is not a value any integer column can produce.
  return negative ? 0 - value : value;
}

function digitCount(bytes: Uint8Array, start: number, end: number): number {
  return bytes[start] === MINUS ? end - start - 1 : end - start;
}

/** int8 → bigint, exact over the whole range. */
export function decodeInt8AsBigInt(bytes: Uint8Array, start: number, end: number): bigint {
  if (digitCount(bytes, start, end) <= EXACT_DIGITS) return BigInt(decodeInt(bytes, start, end));
  return BigInt(decodeAscii(bytes, start, end));
}

/** int8 → its decimal text, exact. */
export function decodeInt8AsString(bytes: Uint8Array, start: number, end: number): string {
  return decodeAscii(bytes, start, end);
}

/**
 * int8 → number. Lossy beyond ±2^53 (rounded to the nearest double), so only used when the caller
 * asked for it explicitly.
 */
export function decodeInt8AsNumber(bytes: Uint8Array, start: number, end: number): number {
  if (digitCount(bytes, start, end) <= EXACT_DIGITS) return decodeInt(bytes, start, end);
  return Number(decodeAscii(bytes, start, end));
}
