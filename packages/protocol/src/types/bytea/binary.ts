/**
 * bytea in binary format: the bytes themselves (byteasend). Encoding takes a Uint8Array (Buffer is
 * one) or an ArrayBuffer; decoding returns a fresh Uint8Array that owns its bytes.
 */

import type { Writer } from '../../wire/writer.ts';
import { Oid } from '../oids.ts';
import { type BinaryCodec, wrongKind } from '../shared/codec.ts';

export const byteaCodec: BinaryCodec = {
  name: 'bytea',
  oid: Oid.bytea,
  encode(w: Writer, value: unknown): void {
    if (value instanceof Uint8Array) w.raw(value);
    else if (value instanceof ArrayBuffer) w.raw(new Uint8Array(value));
    else throw wrongKind('bytea', 'a Uint8Array', value);
  },
  decode(bytes, start, end): Uint8Array {
    return bytes.slice(start, end);
  },
};
