/**
 * The PGCOPY stream format (binary COPY; PostgreSQL docs, COPY, "Binary Format") and the CopyData
 * message that carries COPY data, written once for every reader and writer of them in Haul.
 *
 * A PGCOPY stream is an 11-byte signature, int32 flags, int32 header-extension length and that many
 * extension bytes; then per tuple an int16 field count and per field an int32 length (-1 for NULL)
 * and the value's bytes; then the trailer, an int16 -1. A CopyData message is the type byte 'd', an
 * int32 length that counts itself, and the payload.
 *
 * The shared byte arrays below are constants: send or copy them, never write into them.
 */

import { ProtocolError } from '../errors.ts';
import type { Writer } from '../wire/writer.ts';

export { readInt16, readInt32 } from '../types/shared/bytes.ts';

import { readInt32 } from '../types/shared/bytes.ts';

/** 'PGCOPY\n\xff\r\n\0': the line endings and the NUL catch a stream mangled by text-mode transfer. */
export const PGCOPY_SIGNATURE: Uint8Array<ArrayBuffer> = new Uint8Array([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00,
]);

/** Signature, int32 flags, int32 header-extension length: the header before its extension area. */
export const PGCOPY_HEADER_LENGTH = PGCOPY_SIGNATURE.length + 8;

/** The header Haul writes: flags 0 (no OIDs), no header extension. */
export const PGCOPY_HEADER: Uint8Array<ArrayBuffer> = new Uint8Array(PGCOPY_HEADER_LENGTH);
PGCOPY_HEADER.set(PGCOPY_SIGNATURE);

/** The trailer: a tuple with field count -1. */
export const PGCOPY_TRAILER: Uint8Array<ArrayBuffer> = Uint8Array.of(0xff, 0xff);

/** Flags bit 16: each tuple carries an OID (WITH OIDS, gone since PostgreSQL 12). */
const FLAG_HAS_OIDS = 1 << 16;
/** Bits 16–31 are critical: a reader must refuse a stream with one it does not know. */
const CRITICAL_FLAGS = 0xffff0000 | 0;

/**
 * Checks the header at bytes[at, at + PGCOPY_HEADER_LENGTH) (the caller has that many bytes) and
 * returns the length of the extension area that follows it, which a reader skips. Throws
 * ProtocolError for a missing signature, rows with OIDs, an unknown critical flag or a negative
 * extension length.
 */
export function readPgcopyHeader(bytes: Uint8Array, at = 0): number {
  for (let i = 0; i < PGCOPY_SIGNATURE.length; i++) {
    if (bytes[at + i] !== PGCOPY_SIGNATURE[i]) {
      throw new ProtocolError('binary COPY: missing PGCOPY signature (is the COPY in FORMAT binary?)');
    }
  }
  const flags = readInt32(bytes, at + PGCOPY_SIGNATURE.length);
  if (flags & FLAG_HAS_OIDS) throw new ProtocolError('binary COPY: rows with OIDs are not supported');
  if (flags & CRITICAL_FLAGS) {
    throw new ProtocolError(`binary COPY: unknown critical header flags 0x${(flags >>> 0).toString(16)}`);
  }
  const extension = readInt32(bytes, at + PGCOPY_SIGNATURE.length + 4);
  if (extension < 0) throw new ProtocolError(`binary COPY: header extension of length ${extension}`);
  return extension;
}

/** CopyData's type byte. */
export const COPY_DATA = 0x64; // 'd'

/** Type byte and int32 length: the bytes before a CopyData message's payload. */
export const COPY_DATA_HEADER_LENGTH = 5;

/**
 * Reserves a CopyData header at the writer's end and returns its offset; the payload is then written
 * straight after it, and `endCopyData` fills in the length, so the payload is never copied to frame it.
 */
export function beginCopyData(w: Writer): number {
  const start = w.length;
  w.u8(COPY_DATA).i32(0);
  return start;
}

/** Back-patches the length of the CopyData message begun at `start` to end at the writer's end. */
export function endCopyData(w: Writer, start: number): void {
  w.view.setInt32(start + 1, w.length - start - 1);
}

/**
 * payload[from, to) as one CopyData message in one array (header and payload together, one copy of
 * the payload): a connection that stops between two writes (CopyFail on abort) then never stops inside
 * a message, or the server would read the CopyFail as part of an unfinished CopyData.
 */
export function copyDataMessage(payload: Uint8Array, from = 0, to = payload.length): Uint8Array {
  const message = new Uint8Array(COPY_DATA_HEADER_LENGTH + to - from);
  message[0] = COPY_DATA;
  const length = to - from + 4;
  message[1] = length >>> 24;
  message[2] = (length >>> 16) & 0xff;
  message[3] = (length >>> 8) & 0xff;
  message[4] = length & 0xff;
  message.set(payload.subarray(from, to), COPY_DATA_HEADER_LENGTH);
  return message;
}
