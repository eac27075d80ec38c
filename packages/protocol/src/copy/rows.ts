/**
 * Typed binary COPY at the row level: rows of JS values encoded on the fly into CopyData messages for
 * `COPY … FROM STDIN (FORMAT binary)`, and `COPY … TO STDOUT (FORMAT binary)` decoded back into rows.
 * Encoding happens as the connection pulls, so memory holds about one message, whatever the row count.
 */
import type { QueryOptions, QueryResult } from '../connection/api.ts';
import { BinaryCopyDecoder, type BinaryCopyDecoderOptions } from './binary-decoder.ts';
import { BinaryCopyEncoder, type BinaryCopyEncoderOptions, type CopyColumn } from './binary-encoder.ts';
import type { CopyOut } from './copy-out.ts';

export type RowSource = Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>;

/** The connection calls these; kept apart so the driver stays one concern. */
export interface CopyConnection {
  copyInFrames(sql: string, frames: AsyncIterable<Uint8Array>, options?: QueryOptions): Promise<QueryResult>;
  copyOut(sql: string, options?: QueryOptions): CopyOut;
}

/**
 * Encodes `rows` into CopyData messages as they are pulled. A bad value throws CopyEncodeError (row,
 * column, value) out of the generator, which makes the connection send CopyFail: nothing of the COPY
 * is committed, and the connection stays usable.
 */
export async function* encodeRows(
  columns: readonly CopyColumn[],
  rows: RowSource,
  options: BinaryCopyEncoderOptions = {},
): AsyncGenerator<Uint8Array> {
  const encoder = new BinaryCopyEncoder(columns, options);
  for await (const row of rows) {
    encoder.writeRow(row);
    const frames = encoder.takeFrames();
    if (frames) yield frames;
  }
  yield encoder.finish();
}

export function copyInRows(
  db: CopyConnection,
  sql: string,
  columns: readonly CopyColumn[],
  rows: RowSource,
  options: QueryOptions & BinaryCopyEncoderOptions = {},
): Promise<QueryResult> {
  let frames: AsyncIterable<Uint8Array>;
  try {
    // Resolve the column codecs now, so an unsupported type fails before anything is sent.
    new BinaryCopyEncoder(columns, options);
    frames = encodeRows(columns, rows, options);
  } catch (error) {
    return Promise.reject(error);
  }
  return db.copyInFrames(sql, frames, options);
}

/** Decoded rows of a binary `COPY … TO STDOUT`; `columns` gives each column's type, in order. */
export async function* copyOutRows(
  db: CopyConnection,
  sql: string,
  columns: readonly (CopyColumn | string | number)[],
  options: QueryOptions & BinaryCopyDecoderOptions = {},
): AsyncGenerator<unknown[]> {
  const decoder = new BinaryCopyDecoder(columns, options);
  const out = db.copyOut(sql, options);
  for await (const chunk of out) {
    for (const row of decoder.push(chunk)) yield row;
  }
  // A stream cut before its trailer is an error, not a short result.
  decoder.end();
}
