/**
 * What the CSV and text scanners share: the state that lives across batches (the line the next row
 * starts on, the line-ending style) and COPY's rule that the first line's ending fixes the style for
 * the whole input — a bare CR in an LF file is an error, not a row break, exactly as the server says.
 */
import { BadRowError, preview } from '../errors.ts';
import type { DelimitedFieldBatch } from './delimited-batch.ts';
import type { DelimitedDialect } from './dialect.ts';

export const LF = 0x0a;
export const CR = 0x0d;

export const EOL_UNKNOWN = 0;
export const EOL_LF = 1;
export const EOL_CR = 2;
export const EOL_CRLF = 3;

/** Byte classes in the scanners' lookup tables; 0 is an ordinary byte. */
export const CLASS_DELIMITER = 1;
/** The quote (csv) or the backslash (text). */
export const CLASS_SPECIAL = 2;
export const CLASS_LF = 3;
export const CLASS_CR = 4;

/** Returned by lineEnd when the byte after a CR has not arrived yet. */
export const NEED_MORE = -1;

export abstract class RowScanner {
  /** 1-based line on which the next row starts. */
  line = 1;
  eol = EOL_UNKNOWN;
  protected readonly classes = new Uint8Array(256);
  /** How skipOrdinary tells the special bytes, see there. */
  protected skip: SkipParameters = skipParameters([]);
  private readonly specials: number[] = [];

  constructor(readonly dialect: DelimitedDialect) {
    this.classify(LF, CLASS_LF);
    this.classify(CR, CLASS_CR);
    this.classify(dialect.delimiter, CLASS_DELIMITER);
  }

  /** Gives a byte a class. */
  protected classify(byte: number, byteClass: number): void {
    this.classes[byte] = byteClass;
    this.specials.push(byte);
    this.skip = skipParameters(this.specials);
  }

  /**
   * Appends the complete rows of data[from, data.length) to the batch, stopping before a row that
   * would start at or after `stopAt`, or once the batch holds `maxRows` rows. Returns the offset after
   * the last complete row; a partial row at the end is left for the next call (at `eof`, the final
   * row needs no line ending). Throws BadRowError for input COPY would refuse to split into rows.
   */
  abstract scan(
    batch: DelimitedFieldBatch,
    data: Uint8Array,
    from: number,
    eof: boolean,
    stopAt: number,
    maxRows: number,
  ): number;

  /**
   * The offset after the line ending at `at` (data[at] is CR or LF, outside quotes), or NEED_MORE.
   * Fixes the style on the first line ending, as COPY does, and refuses a different one later.
   */
  protected lineEnd(data: Uint8Array, at: number, eof: boolean, rowStart: number, rowLine: number): number {
    if (data[at] === LF) {
      if (this.eol === EOL_CR || this.eol === EOL_CRLF) this.fail('newline', data, rowStart, at, rowLine);
      this.eol = EOL_LF;
      return at + 1;
    }
    if (this.eol === EOL_LF) this.fail('carriage return', data, rowStart, at, rowLine);
    if (this.eol === EOL_CR) return at + 1;
    if (at + 1 >= data.length) {
      if (!eof) return NEED_MORE;
      if (this.eol === EOL_CRLF) this.fail('carriage return', data, rowStart, at, rowLine);
      this.eol = EOL_CR;
      return at + 1;
    }
    if (data[at + 1] === LF) {
      this.eol = EOL_CRLF;
      return at + 2;
    }
    if (this.eol === EOL_CRLF) this.fail('carriage return', data, rowStart, at, rowLine);
    this.eol = EOL_CR;
    return at + 1;
  }

  private fail(what: string, data: Uint8Array, rowStart: number, at: number, rowLine: number): never {
    const csv = this.dialect.kind === 'csv';
    const hint = csv
      ? `use a quoted CSV field to represent a ${what}`
      : `use "${what === 'newline' ? '\\n' : '\\r'}" to represent a ${what}`;
    throw rowError(
      `${csv ? 'unquoted' : 'literal'} ${what} found in data (${hint}; line endings must all be the same)`,
      data,
      rowStart,
      at,
      rowLine,
    );
  }
}

/** A BadRowError for the row starting at data[rowStart], its text up to `end` as the value. */
export function rowError(
  message: string,
  data: Uint8Array,
  rowStart: number,
  end: number,
  line: number,
): BadRowError {
  const text = new TextDecoder().decode(data.subarray(rowStart, Math.min(end, rowStart + 800)));
  return new BadRowError(`${message}, in the row starting on line ${line}`, { line, value: preview(text) });
}

/** True if data[at, at + expected.length) equals `expected`. */
export function bytesEqualAt(data: Uint8Array, at: number, expected: Uint8Array): boolean {
  for (let k = 0; k < expected.length; k++) if (data[at + k] !== expected[k]) return false;
  return true;
}

/** 0x80 in every byte of a 32-bit word (as an int32). */
const HIGH_BITS = 0x80808080 | 0;
const ONES = 0x01010101;

/**
 * The special bytes split for skipOrdinary: the highest one on its own when it is above the bytes
 * data is mostly made of (digits, '-', '.', ':' and letters: a text-format backslash, a ';' delimiter),
 * and a threshold below which every other special lies.
 */
export interface SkipParameters {
  /** Every special byte except `exact` is at or below this. */
  readonly lowMax: number;
  /** Added to each byte's low 7 bits: carries into its high bit exactly when the byte is above lowMax. */
  readonly lowBias: number;
  /** The one special byte tested for equality (a low one, harmlessly, when there is no high one). */
  readonly exact: number;
  readonly exactPattern: number;
}

function skipParameters(specials: readonly number[]): SkipParameters {
  const sorted = [...specials].sort((a, b) => a - b);
  const highest = sorted.at(-1) ?? LF;
  const highOne = highest > 0x2c; // above ',': where ordinary text begins
  const lowMax = (highOne ? sorted.at(-2) : highest) ?? LF;
  const exact = highOne ? highest : LF;
  return { lowMax, lowBias: (0x80 - (lowMax + 1)) * ONES, exact, exactPattern: exact * ONES };
}

/**
 * The first byte at or after `at` that has a class (or `end`). Four bytes at a time (SWAR) while none
 * of them is special: adding lowBias to a byte's low 7 bits sets its high bit exactly when the byte is
 * above lowMax (bytes ≥ 0x80 always are: every special byte is ASCII), and the classic zero-byte test
 * on the word XOR exactPattern finds the exact byte. The SkipParameters come one by one, as plain
 * numbers, so the scanners can keep them in locals (measurably faster than reading an object).
 */
export function skipOrdinary(
  data: Uint8Array,
  words: DataView,
  at: number,
  end: number,
  lowMax: number,
  lowBias: number,
  exact: number,
  exactPattern: number,
  classes: Uint8Array,
): number {
  let t = at;
  for (;;) {
    while (t + 4 <= end) {
      const w = words.getInt32(t, true);
      if (((((w & 0x7f7f7f7f) + lowBias) | w) & HIGH_BITS) !== HIGH_BITS) break;
      const x = w ^ exactPattern;
      if (((x - ONES) & ~x & HIGH_BITS) !== 0) break;
      t += 4;
    }
    while (t < end) {
      const b = data[t]!;
      if (b <= lowMax || b === exact) break;
      t++;
    }
    if (t >= end || classes[data[t]!] !== 0) return t;
    t++;
  }
}
