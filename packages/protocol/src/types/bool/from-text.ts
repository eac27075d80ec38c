/**
 * bool from text, as boolin reads it: surrounding whitespace, then any case-insensitive prefix of
 * 'true', 'false', 'yes', 'no', at least two letters of 'on' / 'off', or exactly '1' / '0'.
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { isSpace } from '../shared/ascii.ts';
import { invalidSyntax } from '../shared/input-errors.ts';

/** True if bytes[from, to) is a non-empty case-insensitive prefix of `word` at least `min` long. */
function prefixOf(bytes: Uint8Array, from: number, to: number, word: string, min: number): boolean {
  const length = to - from;
  if (length < min || length > word.length) return false;
  for (let k = 0; k < length; k++) {
    if ((bytes[from + k]! | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** 1 true, 0 false, -1 not a boolean. */
function parseBool(bytes: Uint8Array, from: number, to: number): number {
  const first = bytes[from]!;
  if (first === 0x31 || first === 0x30) return to - from === 1 ? first - 0x30 : -1;
  switch (first | 0x20) {
    case 0x74: // t
      return prefixOf(bytes, from, to, 'true', 1) ? 1 : -1;
    case 0x66: // f
      return prefixOf(bytes, from, to, 'false', 1) ? 0 : -1;
    case 0x79: // y
      return prefixOf(bytes, from, to, 'yes', 1) ? 1 : -1;
    case 0x6e: // n
      return prefixOf(bytes, from, to, 'no', 1) ? 0 : -1;
    case 0x6f: // o: one letter is not enough to tell on from off
      if (prefixOf(bytes, from, to, 'on', 2)) return 1;
      return prefixOf(bytes, from, to, 'off', 2) ? 0 : -1;
    default:
      return -1;
  }
}

export const boolConverter: FieldConverter = {
  type: 'bool',
  write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
    let from = start;
    let to = end;
    while (from < to && isSpace(bytes[from]!)) from++;
    while (to > from && isSpace(bytes[to - 1]!)) to--;
    const value = from < to ? parseBool(bytes, from, to) : -1;
    if (value < 0) throw invalidSyntax('boolean', bytes, start, end);
    w.ensure(1);
    w.bytes[w.length++] = value;
  },
};
