/**
 * The contract every binary-format codec meets, the error a codec throws for a value it cannot
 * represent, and the one for a type without a codec. Binary codecs serve COPY … (FORMAT binary) and binary-format parameters and results; the
 * send/recv formats they implement are PostgreSQL's `typsend`/`typreceive` functions.
 */

import { HaulError, ProtocolError } from '../../errors.ts';
import type { Writer } from '../../wire/writer.ts';

/** One type's binary wire format, both directions. Stateless: one instance serves every column. */
export interface BinaryCodec {
  /** PostgreSQL type name (`typname`), e.g. 'int4', and '_int4' for its array type. */
  readonly name: string;
  /** The type's OID; 0 for extension types whose OID differs per database (e.g. citext, by name only). */
  readonly oid: number;
  /**
   * Appends the binary send format of `value` to `w`, without the 4-byte length (the caller reserves
   * and back-patches it). Checks the value first and throws ValueError for one the type cannot hold,
   * so nothing invalid reaches the server. On a throw, `w` may hold part of the value: the caller
   * truncates back to its own mark.
   */
  encode(w: Writer, value: unknown): void;
  /**
   * Decodes the binary format in bytes[start, end). `bytes` is reused after the call (a COPY chunk, a
   * DataRow): anything kept is copied, so the result never aliases it. Throws ProtocolError for bytes
   * the type's send function cannot have produced (wrong length, bad flags).
   */
  decode(bytes: Uint8Array, start: number, end: number): unknown;
}

/**
 * A value the codec cannot represent: its message says what is wrong with it, e.g.
 * `integer out of range for int4 (-2147483648..2147483647)`. Callers add where (row, column).
 */
export class ValueError extends HaulError {
  override name = 'ValueError';
}

/** No binary codec for a type (by name or OID). `type` is what was asked for. */
export class UnsupportedTypeError extends HaulError {
  override name = 'UnsupportedTypeError';
  constructor(
    readonly type: string | number,
    message = `no binary codec for type ${typeof type === 'number' ? `OID ${type}` : `"${type}"`}`,
    /** The COPY column that needed it, when there is one. */
    readonly column?: string,
  ) {
    super(message);
  }
}

/** Throws a ProtocolError unless bytes[start, end) is exactly `size` bytes long. */
export function expectLength(type: string, size: number, start: number, end: number): void {
  if (end - start !== size) {
    throw new ProtocolError(`${type}: expected ${size} bytes in binary format, got ${end - start}`);
  }
}

/** A short description of a value's kind for error messages: 'string', 'Date', 'Uint8Array', 'null'. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return 'array';
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}

/** The ValueError for a value of the wrong JS type: `int4 expects a number, bigint or string, not boolean`. */
export function wrongKind(type: string, expected: string, value: unknown): ValueError {
  return new ValueError(`${type} expects ${expected}, not ${kindOf(value)}`);
}
