/**
 * uuid in binary format: its 16 bytes in order (uuid_send). Encoding takes the canonical text
 * (8-4-4-4-12 hex digits) or 32 hex digits without hyphens, in either case; decoding gives the
 * canonical lowercase text, as the server prints it.
 */

import type { Writer } from '../../wire/writer.ts';
import { type BinaryCodec, expectLength, ValueError, wrongKind } from './codec.ts';
import { Oid } from '../oids.ts';

/** Nibble value by char code (ASCII only), -1 for a non-hex character. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[0x61 + i] = 10 + i;
  NIBBLE[0x41 + i] = 10 + i;
}
const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HYPHEN = 0x2d;

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
    const hyphens = value.length === 36;
    if (!hyphens && value.length !== 32) throw invalid(value);
    if (
      hyphens &&
      (value.charCodeAt(8) !== HYPHEN ||
        value.charCodeAt(13) !== HYPHEN ||
        value.charCodeAt(18) !== HYPHEN ||
        value.charCodeAt(23) !== HYPHEN)
    ) {
      throw invalid(value);
    }
    w.ensure(16);
    const bytes = w.bytes;
    let at = w.length;
    let bad = 0;
    for (let i = 0; i < value.length; i += 2) {
      // With hyphens, skip the one that sits where a byte would start (offsets 8, 13, 18, 23).
      if (hyphens && (i === 8 || i === 13 || i === 18 || i === 23)) i++;
      const high = nibble(value, i);
      const low = nibble(value, i + 1);
      bad |= high | low; // -1 anywhere sets the sign bit
      bytes[at++] = (high << 4) | low;
    }
    if (bad < 0) throw invalid(value);
    w.length = at;
  },
  decode(bytes, start, end): string {
    expectLength('uuid', 16, start, end);
    let text = '';
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
      text += HEX_PAIRS[bytes[start + i]!]!;
    }
    return text;
  },
};
