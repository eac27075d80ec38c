/**
 * The contract between sources and the encoder: any LoadSource opened as a header (if any) and a
 * stream of row batches, text rows as byte spans (CSV/TSV) or JS values (NDJSON, JSON, iterables).
 */
import type { BadRowError } from '../errors.ts';
import type { FieldBatch } from './field-batch.ts';

export interface ValueBatch {
  /**
   * Each row as an array (by position) or an object (by key). Valid until the next batch is requested.
   * Rows parsed from JSON text (`fromJson`) hold JsonValues (json-parser.ts): strings, booleans, null,
   * JsonNumber (the number's text) and JsonContainer (a nested object or array, as written).
   */
  readonly rows: readonly (readonly unknown[] | Readonly<Record<string, unknown>>)[];
  /** The rows came from JSON text: their strings are JSON strings, their numbers JsonNumber. */
  readonly fromJson?: boolean;
  /**
   * Rows that could not be read (invalid JSON or UTF-8), by index in `rows` (which holds an empty
   * array there): each is a bad row for onError like any other, the rest of the source goes on.
   */
  readonly rowError?: ReadonlyMap<number, BadRowError>;
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
  /**
   * Column names from a header line; for object rows, every key of the first batch's rows (in the
   * order first seen); null when rows are positional.
   */
  readonly header: readonly string[] | null;
  /** Rows are objects, mapped to columns by key in every row (`header` only samples the keys). */
  readonly byKey: boolean;
  /** Field count of the first data row (0 if the source has no rows). */
  readonly firstRowWidth: number;
  /** Source bytes consumed so far (after decompression); for progress. */
  readonly bytesRead: number;
  /** All batches in order, the first one (already read to learn the header) included. Call once. */
  batches(): AsyncIterable<RowBatch>;
  /**
   * From the next batch on, CSV rows are found without their fields (FieldBatch.rowsOnly): for the
   * raw load path, where the server splits them. With `choose`, only the batches it says yes to,
   * asked as each batch starts (the mixed path). False (and nothing changes) for other sources.
   */
  findRowsOnly(choose?: () => boolean): boolean;
  /** Stops reading and releases the source (cancels a stream). Idempotent. */
  close(): Promise<void>;
}
