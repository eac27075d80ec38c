/**
 * Rows of JS values → `COPY … FROM STDIN (FORMAT binary)` data, framed as CopyData messages ready to
 * write. The stream is PGCOPY: an 11-byte signature, int32 flags, int32 header-extension length, then
 * per row an int16 field count and per field an int32 length (-1 for NULL) and the value's binary
 * send format, and an int16 -1 as trailer.
 *
 * One codec per column is resolved in the constructor; `writeRow` then only validates and appends,
 * straight into the open CopyData message: no per-row or per-field allocation beyond what a codec
 * needs for its value (a bigint, a numeric's digits). A value a codec refuses rolls the row back, so
 * the server never sees a row it would reject for its encoding (it may still reject it for a
 * constraint, a typmod such as varchar(n), or an enum label it does not know).
 */

import { HaulError } from '../errors.ts';
import { builtinTypes, type TypeRegistry } from '../types/registry.ts';
import type { BinaryCodec } from '../types/shared/codec.ts';
import { UnsupportedTypeError } from '../types/shared/codec.ts';
import { Writer } from '../wire/writer.ts';
import { beginCopyData, COPY_DATA_HEADER_LENGTH, endCopyData, PGCOPY_HEADER } from './pgcopy.ts';

/** A target column: its name (for errors) and type, by name, OID, or as a codec to use as is. */
export interface CopyColumn {
  name: string;
  /** e.g. 'int4', 'timestamp with time zone', 'text[]', 23; or a codec (a `*StringCodec` variant, an enum's). */
  type: string | number | BinaryCodec;
}

export interface BinaryCopyEncoderOptions {
  /** Where type names and OIDs are looked up; the built-ins unless given (register enums on your own). */
  registry?: TypeRegistry;
}

/**
 * A row could not be encoded; nothing of it was kept. `row` counts the rows passed to `writeRow`,
 * from 1 (rejected ones included); `cause` is the codec's ValueError.
 */
export class CopyEncodeError extends HaulError {
  override name = 'CopyEncodeError';
  constructor(
    message: string,
    readonly row: number,
    /** The column's name; '' when the row as a whole was wrong (its length). */
    readonly column: string,
    readonly value: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const FRAME_HEADER = COPY_DATA_HEADER_LENGTH;

/**
 * A CopyData message is closed once its payload reaches 64 KiB less its header, so a message of small
 * rows is 64 KiB on the wire. Why that size: the server reads each message whole into a buffer of its
 * own (fe_msgbuf, which keeps the size of the largest message seen) and then feeds COPY from it
 * RAW_BUF_SIZE = 64 KiB at a time (copyfrom_internal.h). Messages of that size cost the server one
 * message read per COPY read, amortize the 5-byte header to nothing, and keep its buffer at the size
 * COPY reads anyway. Messages need not align with rows (protocol docs, COPY), but ours do: a row is
 * never split, so a row longer than this makes a message of its own size.
 */
export const COPY_FRAME_TARGET = 65_536 - FRAME_HEADER;

/** Room for a full message and the row that closes it, so the buffer rarely has to grow. */
const INITIAL_BUFFER = 2 * 65_536;

export class BinaryCopyEncoder {
  private readonly codecs: BinaryCodec[];
  private readonly names: string[];
  private readonly w = new Writer(INITIAL_BUFFER);
  /** Offset of the open CopyData message's type byte; everything before it is closed messages. */
  private frameStart = 0;
  private rows = 0;
  private attempts = 0;
  private finished = false;

  /**
   * Resolves every column's codec once. Throws UnsupportedTypeError naming the column and type when
   * one has no binary codec (such a table needs text COPY, or a codec registered for the type).
   */
  constructor(columns: readonly CopyColumn[], options: BinaryCopyEncoderOptions = {}) {
    const registry = options.registry ?? builtinTypes;
    this.names = columns.map((column) => column.name);
    this.codecs = columns.map((column) => resolveColumn(registry, column));
    this.openFrame();
    this.w.raw(PGCOPY_HEADER);
  }

  /** Rows accepted so far. */
  get rowCount(): number {
    return this.rows;
  }

  /** Bytes held (closed and open messages): a caller may take frames when this grows past its limit. */
  get bufferedBytes(): number {
    return this.w.length;
  }

  /**
   * Appends one row, `row[i]` for column i (null or undefined for NULL). If a value is invalid, throws
   * CopyEncodeError and keeps nothing of the row; the rows before it stay, and more may follow.
   */
  writeRow(row: readonly unknown[]): void {
    if (this.finished) throw new HaulError('BinaryCopyEncoder: writeRow after finish()');
    const number = ++this.attempts;
    const codecs = this.codecs;
    if (row.length !== codecs.length) {
      throw new CopyEncodeError(
        `row ${number}: ${row.length} values for ${codecs.length} columns (${this.names.join(', ')})`,
        number,
        '',
        row,
      );
    }
    const w = this.w;
    const mark = w.length;
    w.i16(codecs.length);
    let column = 0;
    try {
      for (; column < codecs.length; column++) {
        const value = row[column];
        if (value === null || value === undefined) {
          w.i32(-1);
        } else {
          const at = w.beginValue();
          codecs[column]!.encode(w, value);
          w.endValue(at);
        }
      }
    } catch (error) {
      w.truncate(mark);
      throw this.encodeError(error, number, column, row[column]);
    }
    this.rows++;
    if (w.length - this.frameStart - FRAME_HEADER >= COPY_FRAME_TARGET) {
      this.closeFrame();
      this.openFrame();
    }
  }

  /**
   * The closed CopyData messages, back to back (type 'd', int32 length, payload; the PGCOPY header in
   * the first), or null if none is complete yet. With `force`, the open message is closed first, so
   * everything written so far comes out (null only if there is nothing). The caller owns the returned
   * bytes: a fresh buffer of exactly their size. Copying them out (one memcpy per ~64 KiB) and keeping
   * the encoder's own buffer measured faster than handing that buffer over and allocating a new one:
   * the handed-over buffers, twice the size of their content, made V8 collect garbage more often.
   */
  takeFrames(force = false): Uint8Array | null {
    if (force && this.w.length - this.frameStart > FRAME_HEADER) {
      this.closeFrame();
      this.openFrame();
    }
    if (this.frameStart === 0) return null;
    const w = this.w;
    const closed = w.bytes.slice(0, this.frameStart);
    w.bytes.copyWithin(0, this.frameStart, w.length);
    w.length -= this.frameStart;
    this.frameStart = 0;
    return closed;
  }

  /** Appends the trailer and returns every remaining message. No rows may follow. */
  finish(): Uint8Array {
    if (this.finished) throw new HaulError('BinaryCopyEncoder: finish() called twice');
    this.finished = true;
    this.w.i16(-1);
    return this.takeFrames(true)!;
  }

  private openFrame(): void {
    this.frameStart = beginCopyData(this.w);
  }

  private closeFrame(): void {
    endCopyData(this.w, this.frameStart);
  }

  private encodeError(error: unknown, row: number, column: number, value: unknown): CopyEncodeError {
    const name = this.names[column]!;
    const reason = error instanceof Error ? error.message : String(error);
    return new CopyEncodeError(
      `row ${row}, column "${name}" (${this.codecs[column]!.name}): ${reason} — value: ${preview(value)}`,
      row,
      name,
      value,
      { cause: error },
    );
  }
}

function resolveColumn(registry: TypeRegistry, column: CopyColumn): BinaryCodec {
  const { type } = column;
  if (typeof type === 'object') return type;
  const codec = registry.codec(type);
  if (codec !== undefined) return codec;
  let reason: string;
  try {
    registry.resolveCodec(type);
    reason = 'no binary codec';
  } catch (error) {
    reason = (error as Error).message;
  }
  throw new UnsupportedTypeError(
    type,
    `column "${column.name}": ${reason}; use text COPY for it, or register a codec for the type`,
    column.name,
  );
}

/** Longest value text an error message shows. */
const PREVIEW_LIMIT = 80;

/** A short, safe rendering of a value for an error message. */
export function preview(value: unknown): string {
  let text: string;
  if (typeof value === 'string')
    text = JSON.stringify(value.length > PREVIEW_LIMIT ? value.slice(0, PREVIEW_LIMIT) : value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  else if (value instanceof Uint8Array) text = `${value.constructor.name}(${value.length})`;
  else if (typeof value === 'object' && value !== null) {
    try {
      text =
        JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? `${item}n` : item)) ??
        String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  } else text = String(value);
  return text.length > PREVIEW_LIMIT ? `${text.slice(0, PREVIEW_LIMIT)}…` : text;
}

/** Encodes all `rows` and returns the CopyData messages in ~64 KiB chunks (handy for tests and small loads). */
export function encodeRowsToCopyData(
  columns: readonly CopyColumn[],
  rows: Iterable<readonly unknown[]>,
  options?: BinaryCopyEncoderOptions,
): Uint8Array[] {
  const encoder = new BinaryCopyEncoder(columns, options);
  const out: Uint8Array[] = [];
  for (const row of rows) {
    encoder.writeRow(row);
    const frames = encoder.takeFrames();
    if (frames !== null) out.push(frames);
  }
  out.push(encoder.finish());
  return out;
}
