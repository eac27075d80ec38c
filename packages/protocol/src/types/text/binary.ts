/**
 * The text-like types in binary format: text, varchar, bpchar, name, citext, and enums. Their send
 * format is the string's bytes in the client encoding (UTF-8 for Haul), no terminator, no length
 * prefix beyond the field's own. Encoding takes a string without NUL characters (PostgreSQL text
 * cannot hold U+0000); lone surrogates become U+FFFD, as TextEncoder writes them.
 */

import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import { type BinaryCodec, ValueError, wrongKind } from '../shared/codec.ts';
import { decodeText } from './text.ts';

/** NAMEDATALEN - 1: a name holds at most 63 bytes; namerecv refuses longer ones. */
const MAX_NAME_BYTES = 63;

/**
 * Up to this many UTF-16 units, encoding UTF-8 in a JS loop beats TextEncoder.encodeInto, whose fixed
 * cost per call (and the subarray view it needs) dominates short strings, and most text fields (names,
 * emails, codes) are short. Longer strings go through encodeInto.
 */
const SHORT_TEXT = 64;

function nulError(type: string): ValueError {
  return new ValueError(
    `${type} cannot contain NUL characters (\\0); store binary data as bytea (a Uint8Array)`,
  );
}

/**
 * Appends `value` as UTF-8, refusing NUL; returns the number of bytes written. Lone surrogates become
 * U+FFFD, exactly as TextEncoder writes them, so both paths give the same bytes.
 */
function writeText(w: Writer, type: string, value: unknown): number {
  if (typeof value !== 'string') throw wrongKind(type, 'a string', value);
  const length = value.length;
  if (length > SHORT_TEXT) {
    if (value.indexOf('\0') !== -1) throw nulError(type);
    return w.text(value);
  }
  w.ensure(length * 3);
  const bytes = w.bytes;
  const start = w.length;
  let at = start;
  for (let i = 0; i < length; i++) {
    let code = value.charCodeAt(i);
    if (code < 0x80) {
      if (code === 0) throw nulError(type);
      bytes[at++] = code;
    } else if (code < 0x800) {
      bytes[at++] = 0xc0 | (code >> 6);
      bytes[at++] = 0x80 | (code & 0x3f);
    } else {
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = value.charCodeAt(i + 1); // NaN past the end
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          i++;
          bytes[at++] = 0xf0 | (code >> 18);
          bytes[at++] = 0x80 | ((code >> 12) & 0x3f);
          bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
          bytes[at++] = 0x80 | (code & 0x3f);
          continue;
        }
        code = 0xfffd;
      }
      bytes[at++] = 0xe0 | (code >> 12);
      bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[at++] = 0x80 | (code & 0x3f);
    }
  }
  w.length = at;
  return at - start;
}

/**
 * A codec for a type whose binary format is its UTF-8 text. Use it for enums and domains over text
 * with the OIDs found in pg_type; `oid` 0 means "not known" (citext looked up by name only).
 */
export function textLikeCodec(name: string, oid: number): BinaryCodec {
  return {
    name,
    oid,
    encode(w: Writer, value: unknown): void {
      writeText(w, name, value);
    },
    decode: decodeText,
  };
}

export const textCodec: BinaryCodec = textLikeCodec('text', Oid.text);
export const varcharCodec: BinaryCodec = textLikeCodec('varchar', Oid.varchar);
/** bpchar: the server pads (or checks) to the column's length; decoding keeps the padding it sends. */
export const bpcharCodec: BinaryCodec = textLikeCodec('bpchar', Oid.bpchar);
/** citext is an extension type: its OID differs per database, so the codec by name has OID 0. */
export const citextCodec = textLikeCodec('citext', 0);

export const nameCodec: BinaryCodec = {
  name: 'name',
  oid: Oid.name,
  encode(w: Writer, value: unknown): void {
    const written = writeText(w, 'name', value);
    if (written > MAX_NAME_BYTES) {
      throw new ValueError(`name is ${written} bytes long; at most ${MAX_NAME_BYTES} fit (NAMEDATALEN)`);
    }
  },
  decode: decodeText,
};
