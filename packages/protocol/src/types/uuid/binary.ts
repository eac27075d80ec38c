/**
 * uuid in binary format: its 16 bytes in order (uuid_send). Encoding takes the canonical text
 * (8-4-4-4-12 hex digits) or 32 hex digits without hyphens, in either case; decoding gives the
 * canonical lowercase text, as the server prints it.
 */

import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import { type BinaryCodec, expectLength, ValueError, wrongKind } from '../shared/codec.ts';

/** Nibble value by char code (ASCII only), -1 for a non-hex character. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[0x61 + i] = 10 + i;
  NIBBLE[0x41 + i] = 10 + i;
}
const HEX_DIGITS = [...'0123456789abcdef'].map((digit) => digit.charCodeAt(0));
/** By byte value: the char codes of its two lowercase hex digits, so a byte costs two table reads. */
const HEX_HIGH = Uint8Array.from({ length: 256 }, (_, byte) => HEX_DIGITS[byte >> 4]!);
const HEX_LOW = Uint8Array.from({ length: 256 }, (_, byte) => HEX_DIGITS[byte & 15]!);
/**
 * Char codes of the text being decoded, hyphens in place. One String.fromCharCode over them builds a
 * flat string; 20 concatenations would build a rope that V8 flattens again on first use (measured 2×
 * slower), and TextDecoder over a byte scratch costs more per call than the whole build.
 */
const HYPHEN = 0x2d;
const chars: number[] = new Array<number>(36).fill(HYPHEN);

/** Puts the two hex digits of `byte` at chars[at], chars[at + 1]. */
function hexAt(at: number, byte: number): void {
  chars[at] = HEX_HIGH[byte]!;
  chars[at + 1] = HEX_LOW[byte]!;
}
/** Where each of the 16 bytes' two hex digits start, with and without hyphens. */
const HYPHENATED_OFFSETS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const PLAIN_OFFSETS = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30];

function nibble(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code < 128 ? NIBBLE[code]! : -1;
}

function invalid(value: string): ValueError {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return new ValueError(`invalid input syntax for uuid: "${shown}"`);
}

export const uuidCodec: BinaryCodec = {
  name: 'uuid',
  oid: Oid.uuid,
  encode(w: Writer, value: unknown): void {
    if (typeof value !== 'string') throw wrongKind('uuid', 'a string', value);
    let offsets: number[];
    if (value.length === 36) {
      if (
        value.charCodeAt(8) !== HYPHEN ||
        value.charCodeAt(13) !== HYPHEN ||
        value.charCodeAt(18) !== HYPHEN ||
        value.charCodeAt(23) !== HYPHEN
      ) {
        throw invalid(value);
      }
      offsets = HYPHENATED_OFFSETS;
    } else if (value.length === 32) {
      offsets = PLAIN_OFFSETS;
    } else {
      throw invalid(value);
    }
    w.ensure(16);
    const bytes = w.bytes;
    const at = w.length;
    let bad = 0;
    for (let i = 0; i < 16; i++) {
      const high = nibble(value, offsets[i]!);
      const low = nibble(value, offsets[i]! + 1);
      bad |= high | low; // -1 anywhere sets the sign bit
      bytes[at + i] = (high << 4) | low;
    }
    if (bad < 0) throw invalid(value);
    w.length = at + 16;
  },
  decode(bytes, start, end): string {
    expectLength('uuid', 16, start, end);
    // Unrolled: 20% faster than a loop over HYPHENATED_OFFSETS (Node 20, 80 vs 100 ns per uuid).
    hexAt(0, bytes[start]!);
    hexAt(2, bytes[start + 1]!);
    hexAt(4, bytes[start + 2]!);
    hexAt(6, bytes[start + 3]!);
    hexAt(9, bytes[start + 4]!);
    hexAt(11, bytes[start + 5]!);
    hexAt(14, bytes[start + 6]!);
    hexAt(16, bytes[start + 7]!);
    hexAt(19, bytes[start + 8]!);
    hexAt(21, bytes[start + 9]!);
    hexAt(24, bytes[start + 10]!);
    hexAt(26, bytes[start + 11]!);
    hexAt(28, bytes[start + 12]!);
    hexAt(30, bytes[start + 13]!);
    hexAt(32, bytes[start + 14]!);
    hexAt(34, bytes[start + 15]!);
    return String.fromCharCode.apply(null, chars);
  },
};
