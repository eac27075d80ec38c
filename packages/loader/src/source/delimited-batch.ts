/**
 * The FieldBatch a delimited-text parser fills: one object per parser, its typed arrays reused from
 * batch to batch and grown when a batch needs more rows or fields than any before it.
 */
import type { DelimitedDialect } from './dialect.ts';
import type { FieldBatch } from './field-batch.ts';

/**
 * Bit in `fieldFlags`, always together with FIELD_ESCAPED: the span is the whole raw field, in which
 * quotes toggle quoting anywhere (`ab"c,d"e`), rather than the inside of one quoted string.
 */
export const FIELD_RAW_CSV = 4;

export class DelimitedFieldBatch implements FieldBatch {
  bytes: Uint8Array = new Uint8Array(0);
  rowCount = 0;
  /** Fields written so far; `rowField[rowCount]` once the batch is sealed. */
  fieldCount = 0;
  rowField: Int32Array;
  fieldStart: Int32Array;
  fieldEnd: Int32Array;
  fieldFlags: Uint8Array;
  rowStart: Int32Array;
  rowLine: Float64Array;
  sourceOffset = 0;
  /** Set by the scanner that fills the batch: see FieldBatch.rowsOnly. */
  rowsOnly = false;

  constructor(
    /** How the spans are to be unescaped (see unescapeField). */
    readonly dialect: DelimitedDialect,
    rowCapacity = 1024,
    fieldCapacity = 8192,
  ) {
    this.rowField = new Int32Array(rowCapacity + 1);
    this.rowStart = new Int32Array(rowCapacity + 1);
    this.rowLine = new Float64Array(rowCapacity + 1);
    this.fieldStart = new Int32Array(fieldCapacity);
    this.fieldEnd = new Int32Array(fieldCapacity);
    this.fieldFlags = new Uint8Array(fieldCapacity);
  }

  /** Starts an empty batch over `bytes`. */
  reset(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.rowCount = 0;
    this.fieldCount = 0;
    this.rowsOnly = false;
  }

  /** Room for at least one more row (its `rowField`/`rowStart` entries and the sealing ones). */
  growRows(): void {
    const capacity = (this.rowLine.length - 1) * 2;
    this.rowField = grown(this.rowField, capacity + 1);
    this.rowStart = grown(this.rowStart, capacity + 1);
    const line = new Float64Array(capacity + 1);
    line.set(this.rowLine);
    this.rowLine = line;
  }

  growFields(): void {
    const capacity = this.fieldFlags.length * 2;
    this.fieldStart = grown(this.fieldStart, capacity);
    this.fieldEnd = grown(this.fieldEnd, capacity);
    const flags = new Uint8Array(capacity);
    flags.set(this.fieldFlags);
    this.fieldFlags = flags;
  }

  /** Closes the batch: the sentinel entries after the last row, which ends at `end` before `nextLine`. */
  seal(end: number, nextLine: number): void {
    this.rowField[this.rowCount] = this.fieldCount;
    this.rowStart[this.rowCount] = end;
    this.rowLine[this.rowCount] = nextLine;
  }
}

function grown(array: Int32Array, capacity: number): Int32Array {
  const next = new Int32Array(capacity);
  next.set(array);
  return next;
}
