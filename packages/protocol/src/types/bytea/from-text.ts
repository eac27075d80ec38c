/**
 * bytea from text, as byteain reads it: '\x' then pairs of hex digits (whitespace allowed between
 * pairs), or else the escape format, where '\\' is a backslash, '\ooo' (first digit 0-3) an octal byte,
 * any other backslash an error, and every other byte itself.
 */

import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { hexValue } from '../shared/ascii.ts';
import { ValueError } from '../shared/codec.ts';

const BACKSLASH = 0x5c;

function writeHex(w: Writer, bytes: Uint8Array, from: number, end: number): void {
  w.ensure((end - from) >> 1);
  const out = w.bytes;
  let at = w.length;
  let i = from;
  while (i < end) {
    const c = bytes[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) {
      i++;
      continue;
    }
    const high = hexValue(c);
    if (high < 0) throw badHexDigit(bytes, i, end);
    if (++i >= end) throw new ValueError('invalid hexadecimal data: odd number of digits');
    const low = hexValue(bytes[i]!);
    if (low < 0) throw badHexDigit(bytes, i, end);
    i++;
    out[at++] = (high << 4) | low;
  }
  w.length = at;
}

/** `invalid hexadecimal digit: "g"`, quoting the whole (UTF-8) character as the server does. */
function badHexDigit(bytes: Uint8Array, at: number, end: number): ValueError {
  const lead = bytes[at]!;
  const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  const character = new TextDecoder().decode(bytes.subarray(at, Math.min(end, at + length)));
  return new ValueError(`invalid hexadecimal digit: "${character}"`);
}

function writeEscaped(w: Writer, bytes: Uint8Array, start: number, end: number): void {
  w.ensure(end - start);
  const out = w.bytes;
  let at = w.length;
  let i = start;
  while (i < end) {
    const c = bytes[i]!;
    if (c !== BACKSLASH) {
      out[at++] = c;
      i++;
      continue;
    }
    const a = i + 1 < end ? bytes[i + 1]! : -1;
    if (a === BACKSLASH) {
      out[at++] = BACKSLASH;
      i += 2;
      continue;
    }
    const b = i + 2 < end ? bytes[i + 2]! - 0x30 : -1;
    const d = i + 3 < end ? bytes[i + 3]! - 0x30 : -1;
    if (a >= 0x30 && a <= 0x33 && b >= 0 && b <= 7 && d >= 0 && d <= 7) {
      out[at++] = ((a - 0x30) << 6) | (b << 3) | d;
      i += 4;
      continue;
    }
    throw new ValueError('invalid input syntax for type bytea');
  }
  w.length = at;
}

export const byteaConverter: FieldConverter = {
  type: 'bytea',
  write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
    if (end - start >= 2 && bytes[start] === BACKSLASH && bytes[start + 1] === 0x78) {
      writeHex(w, bytes, start + 2, end);
    } else writeEscaped(w, bytes, start, end);
  },
};
