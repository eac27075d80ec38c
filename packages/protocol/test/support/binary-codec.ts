/** Test helpers shared by the binary codec unit tests. */
import { type BinaryCodec, ValueError } from '../../src/types/shared/codec.ts';
import { Writer } from '../../src/wire/writer.ts';

/** The codec's bytes for one value (no length word). */
export function encode(codec: BinaryCodec, value: unknown): Uint8Array {
  const w = new Writer(4);
  codec.encode(w, value);
  return w.take();
}

/** Decodes from the middle of a larger buffer, so offset mistakes show. */
export function decode(codec: BinaryCodec, bytes: Uint8Array): unknown {
  const padded = new Uint8Array(bytes.length + 6).fill(0xee);
  padded.set(bytes, 3);
  return codec.decode(padded, 3, 3 + bytes.length);
}

export function roundTrip(codec: BinaryCodec, value: unknown): unknown {
  return decode(codec, encode(codec, value));
}

/** The codec's bytes for `value` as hex, or the message of the ValueError it refuses it with. */
export function encodeOutcome(
  codec: BinaryCodec,
  value: unknown,
): { ok: true; hex: string } | { ok: false; message: string } {
  try {
    return { ok: true, hex: Buffer.from(encode(codec, value)).toString('hex') };
  } catch (error) {
    if (error instanceof ValueError) return { ok: false, message: error.message };
    throw error;
  }
}
