/**
 * The types whose binary format is their text: text, varchar, bpchar, citext, enum labels, json —
 * the field's bytes go out unchanged. The server's receive function checks what its input function
 * would (valid UTF-8, no NUL, length against varchar(n)/char(n), the enum label, JSON syntax), so a
 * bad value is still refused, by the server. Also name (cut to 63 bytes as namein cuts it; namerecv
 * would refuse longer) and "char" (one byte).
 */
import type { Writer } from '../../wire/writer.ts';
import type { FromText as FieldConverter } from '../from-text.ts';
import { notConverted } from '../shared/input-errors.ts';

/** Below this, a byte loop beats subarray() + set(), whose fixed cost dominates short fields. */
const SHORT = 48;
/** NAMEDATALEN - 1. */
const NAME_BYTES = 63;

/** Appends bytes[start, end) to `w` unchanged. */
export function copyBytes(w: Writer, bytes: Uint8Array, start: number, end: number): void {
  const length = end - start;
  w.ensure(length);
  const out = w.bytes;
  const at = w.length;
  if (length < SHORT) {
    for (let k = 0; k < length; k++) out[at + k] = bytes[start + k]!;
  } else out.set(bytes.subarray(start, end), at);
  w.length = at + length;
}

/** A converter that copies the field's bytes as the value (text-like types). */
export function textConverter(type: string): FieldConverter {
  return {
    type,
    write: copyBytes,
  };
}

/**
 * name: namein keeps at most 63 bytes, cutting before a character that would not fit whole. Text
 * COPY checks the whole line's encoding first, so a cut-off tail with invalid UTF-8 must still fail:
 * it is checked here.
 */
export const nameConverter: FieldConverter = {
  type: 'name',
  write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
    if (end - start <= NAME_BYTES) {
      copyBytes(w, bytes, start, end);
      return;
    }
    let cut = start + NAME_BYTES;
    // Back up over continuation bytes to the start of the character that straddles the limit.
    while (cut > start && (bytes[cut]! & 0xc0) === 0x80) cut--;
    // A valid tail keeps the server's verdict on the kept part; an invalid one goes along so the
    // server refuses it (as it would have refused the whole line in text format).
    if (!validUtf8(bytes, cut, end)) {
      copyBytes(w, bytes, start, end);
      return;
    }
    copyBytes(w, bytes, start, cut);
  },
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function validUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (bytes[k] === 0) return false;
  try {
    utf8.decode(bytes.subarray(start, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * "char": charin takes the first byte (NUL for empty text), or from PostgreSQL 15 on a '\ooo' octal
 * escape of exactly four characters; older servers take the backslash.
 */
export function charConverter(octalEscapes: boolean | undefined): FieldConverter {
  return {
    type: 'char',
    write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
      let value = end > start ? bytes[start]! : 0;
      if (octalEscapes !== false && end - start === 4 && value === 0x5c) {
        const a = bytes[start + 1]! - 0x30;
        const b = bytes[start + 2]! - 0x30;
        const c = bytes[start + 3]! - 0x30;
        if (a >= 0 && a <= 7 && b >= 0 && b <= 7 && c >= 0 && c <= 7) {
          if (octalEscapes === undefined) {
            throw notConverted(
              '"char"',
              bytes,
              start,
              end,
              'PostgreSQL 15 and later read it as an octal escape, older servers as a backslash',
            );
          }
          value = ((a << 6) + (b << 3) + c) & 0xff;
        }
      }
      w.ensure(1);
      w.bytes[w.length++] = value;
    },
  };
}
