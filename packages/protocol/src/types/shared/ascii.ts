/**
 * Byte-level helpers shared by the converters. PostgreSQL's input functions run in the C locale's
 * idea of characters: `isspace` is space, \t, \n, \v, \f and \r, and digits are ASCII only.
 */

export const ZERO = 0x30;
export const PLUS = 0x2b;
export const MINUS = 0x2d;
export const DOT = 0x2e;

/** C's isspace() in the C locale, which the server's input functions use. */
export function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

export function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

const HEX_VALUES = new Int8Array(256).fill(-1);
for (let digit = 0; digit < 16; digit++) {
  HEX_VALUES['0123456789abcdef'.charCodeAt(digit)] = digit;
  HEX_VALUES['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}

/** The value of a hexadecimal digit, or -1 (also for anything that is not a byte). */
export function hexValue(byte: number): number {
  return HEX_VALUES[byte & 0xff]! | (byte >>> 8 === 0 ? 0 : -1);
}

/** The first index in [from, end) that is not whitespace, or `end`. */
export function skipSpace(bytes: Uint8Array, from: number, end: number): number {
  let i = from;
  while (i < end && isSpace(bytes[i]!)) i++;
  return i;
}

/** `end` moved back over trailing whitespace, not before `start`. */
export function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  let e = end;
  while (e > start && isSpace(bytes[e - 1]!)) e--;
  return e;
}

/**
 * True if bytes[at, at + word.length) equals `word` ignoring ASCII case; `word` must be lower case.
 * Compares bytes, so no string is made of the field.
 */
export function matchesFolded(bytes: Uint8Array, at: number, end: number, word: string): boolean {
  if (end - at < word.length) return false;
  for (let k = 0; k < word.length; k++) {
    const b = bytes[at + k]!;
    const lower = b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
    if (lower !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** An ASCII string of bytes[start, end) (callers pass only ASCII runs they have checked). */
export function asciiString(bytes: Uint8Array, start: number, end: number): string {
  // fromCharCode over the bytes at once: faster than a decoder or concatenation for short runs.
  return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
}
