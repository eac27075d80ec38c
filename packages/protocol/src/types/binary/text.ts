/**
 * The text-like types in binary format: text, varchar, bpchar, name, citext, and enums. Their send
 * format is the string's bytes in the client encoding (UTF-8 for Haul), no terminator, no length
 * prefix beyond the field's own. Encoding takes a string without NUL characters (PostgreSQL text
 * cannot hold U+0000); lone surrogates become U+FFFD, as TextEncoder writes them.
 */

import type { Writer } from '../../wire/writer.ts';
import { decodeText } from '../text.ts';
import { type BinaryCodec, ValueError, wrongKind } from './codec.ts';
import { Oid } from '../oids.ts';

/** NAMEDATALEN - 1: a name holds at most 63 bytes; namerecv refuses longer ones. */
const MAX_NAME_BYTES = 63;

function checkedText(type: string, value: unknown): string {
  if (typeof value !== 'string') throw wrongKind(type, 'a string', value);
  if (value.indexOf('\0') !== -1) {
    throw new ValueError(
      `${type} cannot contain NUL characters (\\0); store binary data as bytea (a Uint8Array)`,
    );
  }
  return value;
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
      w.text(checkedText(name, value));
    },
    decode: decodeText,
  };
}

export const textCodec = textLikeCodec('text', Oid.text);
export const varcharCodec = textLikeCodec('varchar', Oid.varchar);
/** bpchar: the server pads (or checks) to the column's length; decoding keeps the padding it sends. */
export const bpcharCodec = textLikeCodec('bpchar', Oid.bpchar);
/** citext is an extension type: its OID differs per database, so the codec by name has OID 0. */
export const citextCodec = textLikeCodec('citext', 0);

export const nameCodec: BinaryCodec = {
  name: 'name',
  oid: Oid.name,
  encode(w: Writer, value: unknown): void {
    const written = w.text(checkedText('name', value));
    if (written > MAX_NAME_BYTES) {
      throw new ValueError(`name is ${written} bytes long; at most ${MAX_NAME_BYTES} fit (NAMEDATALEN)`);
    }
  },
  decode: decodeText,
};
