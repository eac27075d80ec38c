/**
 * The contract between sources and the encoder: any LoadSource opened as a header (if any) and a
 * stream of row batches, text rows as byte spans (CSV/TSV) or JS values (NDJSON, JSON, iterables).
 */
import type { FieldBatch } from './field-batch.ts';

export interface ValueBatch {
  /** Each row as an array (by position) or an object (by key). Valid until the next batch is requested. */
  readonly rows: readonly (readonly unknown[] | Readonly<Record<string, unknown>>)[];
  /** 1-based source line of each row (NDJSON/JSON line; for iterables, the row's 1-based index). */
  readonly rowLine: readonly number[];
  /** Each row's original text (NDJSON line, JSON element) when the source has one; else undefined. */
  readonly rowText?: readonly string[];
  /** Byte offsets in the decompressed source, [start, end); 0, 0 for iterables. */
  readonly sourceStart: number;
  readonly sourceEnd: number;
}

export type RowBatch = { kind: 'fields'; batch: FieldBatch } | { kind: 'values'; batch: ValueBatch };

export interface RowReader {
  /** Column names from a header line, or the first object's keys; null when rows are positional. */
  readonly header: readonly string[] | null;
  /** Field count of the first data row (0 if the source has no rows). */
  readonly firstRowWidth: number;
  /** Source bytes consumed so far (after decompression); for progress. */
  readonly bytesRead: number;
  /** All batches in order, the first one (already read to learn the header) included. Call once. */
  batches(): AsyncIterable<RowBatch>;
  /** Stops reading and releases the source (cancels a stream). Idempotent. */
  close(): Promise<void>;
}
