/**
 * The shape every text parser (CSV, TSV) emits: a batch of whole rows whose fields are byte spans into
 * one buffer, so a field is never turned into a JS string on the way to binary COPY. Arrays are reused
 * between batches: a consumer finishes with a batch before asking for the next.
 */

/** Field flag bits. */
export const FIELD_NULL = 1;
/** The span is the raw quoted content with doubled quotes / escapes still in it: unescape before use. */
export const FIELD_ESCAPED = 2;

export interface FieldBatch {
  /** The bytes every span points into; valid until the parser is asked for its next batch. */
  readonly bytes: Uint8Array;
  readonly rowCount: number;
  /** Index of each row's first field in the field arrays; `rowField[rowCount]` is the field count. */
  readonly rowField: Int32Array;
  /** Field content spans in `bytes` (quotes excluded), [start, end). */
  readonly fieldStart: Int32Array;
  readonly fieldEnd: Int32Array;
  /** FIELD_NULL / FIELD_ESCAPED bits per field. */
  readonly fieldFlags: Uint8Array;
  /** Each row's raw text in `bytes`: [rowStart[i], rowStart[i + 1]), line terminator included. */
  readonly rowStart: Int32Array;
  /**
   * 1-based source line on which each row starts (a quoted field may span lines); `rowLine[rowCount]`
   * is the line after the last row, so every row's line count is `rowLine[i + 1] - rowLine[i]`.
   */
  readonly rowLine: Float64Array;
  /** Byte offset in the whole (decompressed) source of `bytes[rowStart[0]]`. */
  readonly sourceOffset: number;
  /**
   * True when only the rows were found (csv-row-boundaries.ts, for the raw load path): `rowStart` and
   * `rowLine` are filled, the field arrays are not (`rowField` is all 0).
   */
  readonly rowsOnly?: boolean;
}
