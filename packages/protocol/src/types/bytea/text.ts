/**
 * bytea in text format, both directions. The server writes `\x` + two lowercase hex digits per byte
 * (bytea_output = 'hex', the default since 9.0) or, under bytea_output = 'escape', printable bytes as
 * themselves, `\\` for a backslash and `\ooo` octal for the rest. We always send hex.
 */

import { ProtocolError } from '../../errors.ts';

const BACKSLASH = 0x5c;
const LOWER_X = 0x78;
const ZERO = 0x30;

/** Nibble value by byte, -1 where the byte is not a hex digit. */
const NIBBLE = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[ZERO + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[0x61 + i] = 10 + i;
  NIBBLE[0x41 + i] = 10 + i;
}

/** Two-character hex text by byte value, so encoding is one lookup per byte. */
const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');
const ascii = new TextDecoder();

/**
 * Past this many bytes, writing hex digits into one buffer and decoding it once beats growing a string
 * pair by pair (which builds a rope V8 must flatten later).
 */
const CONCAT_LIMIT = 32;

/**
 * bytea → a new Uint8Array that owns its bytes (the DataRow they come from is reused after the row).
 */
export function decodeBytea(bytes: Uint8Array, start: number, end: number): Uint8Array {
  if (end - start >= 2 && bytes[start] === BACKSLASH && bytes[start + 1] === LOWER_X) {
    return decodeHex(bytes, start + 2, end);
  }
  return decodeEscape(bytes, start, end);
}

function decodeHex(bytes: Uint8Array, start: number, end: number): Uint8Array {
  if ((end - start) % 2 !== 0) throw new ProtocolError('bytea hex text has an odd number of digits');
  const out = new Uint8Array((end - start) / 2);
  for (let i = start, o = 0; i < end; i += 2, o++) {
    const high = NIBBLE[bytes[i]!]!;
    const low = NIBBLE[bytes[i + 1]!]!;
    if ((high | low) < 0)
      throw new ProtocolError(`bytea hex text has a non-hex digit at offset ${i - start}`);
    out[o] = (high << 4) | low;
  }
  return out;
}

function decodeEscape(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  let o = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte !== BACKSLASH) {
      out[o++] = byte;
    } else if (i + 1 < end && bytes[i + 1] === BACKSLASH) {
      out[o++] = BACKSLASH;
      i++;
    } else if (i + 3 < end && isOctal(bytes[i + 1]!) && isOctal(bytes[i + 2]!) && isOctal(bytes[i + 3]!)) {
      out[o++] = ((bytes[i + 1]! - ZERO) << 6) | ((bytes[i + 2]! - ZERO) << 3) | (bytes[i + 3]! - ZERO);
      i += 3;
    } else {
      throw new ProtocolError(`bytea escape text has a bad escape at offset ${i - start}`);
    }
  }
  return out.slice(0, o);
}

function isOctal(byte: number): boolean {
  return byte >= ZERO && byte <= 0x37;
}

/** Bytes → the hex text form, `\x` + two lowercase digits per byte. */
export function encodeBytea(value: Uint8Array): string {
  if (value.length <= CONCAT_LIMIT) {
    let text = '\\x';
    for (let i = 0; i < value.length; i++) text += HEX_PAIRS[value[i]!]!;
    return text;
  }
  const out = new Uint8Array(2 + value.length * 2);
  out[0] = BACKSLASH;
  out[1] = LOWER_X;
  for (let i = 0, o = 2; i < value.length; i++, o += 2) {
    const byte = value[i]!;
    out[o] = HEX_DIGITS[byte >> 4]!;
    out[o + 1] = HEX_DIGITS[byte & 15]!;
  }
  return ascii.decode(out);
}
