/**
 * uuid from text, as uuid_in reads it: 32 hex digits in either case, optionally in braces, with an
 * optional hyphen after any group of four digits (not after the last); no whitespace anywhere.
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { hexValue } from '../shared/ascii.ts';
import { invalidSyntax } from '../shared/input-errors.ts';

export const uuidConverter: FieldConverter = {
  type: 'uuid',
  write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
    let i = start;
    const braces = i < end && bytes[i] === 0x7b;
    if (braces) i++;
    w.ensure(16);
    const out = w.bytes;
    const at = w.length;
    for (let k = 0; k < 16; k++) {
      const high = i < end ? hexValue(bytes[i]!) : -1;
      const low = i + 1 < end ? hexValue(bytes[i + 1]!) : -1;
      if (high < 0 || low < 0) throw invalidSyntax('uuid', bytes, start, end);
      out[at + k] = (high << 4) | low;
      i += 2;
      if (bytes[i] === 0x2d && (k & 1) === 1 && k < 15 && i < end) i++;
    }
    if (braces) {
      if (i >= end || bytes[i] !== 0x7d) throw invalidSyntax('uuid', bytes, start, end);
      i++;
    }
    if (i !== end) throw invalidSyntax('uuid', bytes, start, end);
    w.length = at + 16;
  },
};
