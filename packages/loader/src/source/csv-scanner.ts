/**
 * The CSV hot loop: splits bytes into rows and field spans the way PostgreSQL's COPY (FORMAT csv)
 * does (CopyReadLineText + CopyReadAttributesCSV), without copying a byte or making a string.
 *
 * COPY's rules, which are RFC 4180's plus what it does with the odd cases:
 * - a quote anywhere in a field opens a quoted section, not just at its start (`ab"c,d"e` is the one
 *   field `abc,de`); such fields are kept raw and flagged FIELD_ESCAPED | FIELD_RAW_CSV;
 * - inside quotes, escape + (quote | escape) is the second byte; escape defaults to the quote (`""`);
 * - an unquoted field whose bytes equal the null string is NULL; a field with any quote never is;
 * - rows end at LF, CRLF or CR, whichever the first row used.
 */
import { type DelimitedFieldBatch, FIELD_RAW_CSV } from './delimited-batch.ts';
import type { DelimitedDialect } from './dialect.ts';
import { FIELD_ESCAPED, FIELD_NULL } from './field-batch.ts';
import {
  bytesEqualAt,
  CLASS_CR,
  CLASS_DELIMITER,
  CLASS_LF,
  CLASS_SPECIAL,
  CR,
  EOL_LF,
  LF,
  NEED_MORE,
  RowScanner,
  rowError,
  skipOrdinary,
} from './row-scanner.ts';

export class CsvScanner extends RowScanner {
  /** Classes of the bytes that matter inside quotes (see closingQuote). */
  private readonly quotedClasses = new Uint8Array(256);
  /** Whether the quoted field closingQuote just read had escapes in it, and its line breaks. */
  private quotedEscapes = false;
  private quotedBreaks = 0;
  /** The line breaks inside the field rawFieldEnd just read. */
  private rawBreaks = 0;

  constructor(dialect: DelimitedDialect) {
    super(dialect);
    this.classify(dialect.quote, CLASS_SPECIAL);
    this.quotedClasses[LF] = QUOTED_LF;
    this.quotedClasses[CR] = QUOTED_CR;
    this.quotedClasses[dialect.escape] = QUOTED_ESCAPE;
    this.quotedClasses[dialect.quote] = QUOTED_QUOTE;
  }

  scan(
    batch: DelimitedFieldBatch,
    data: Uint8Array,
    from: number,
    eof: boolean,
    stopAt: number,
    maxRows: number,
  ): number {
    const classes = this.classes;
    const { quote, nullBytes } = this.dialect;
    const nullLength = nullBytes.length;
    const end = data.length;
    const { lowMax, lowBias, exact, exactPattern } = this.skip;
    const words = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let fieldStart = batch.fieldStart;
    let fieldEnd = batch.fieldEnd;
    let fieldFlags = batch.fieldFlags;
    let fieldCapacity = fieldFlags.length;
    let rowField = batch.rowField;
    let rowStart = batch.rowStart;
    let rowLine = batch.rowLine;
    let nf = batch.fieldCount;
    let nr = batch.rowCount;
    let line = this.line;
    let eolIsLf = this.eol === EOL_LF;
    // The batch as of the last complete row: a partial row after it rolls back to this.
    let committedRows = nr;
    let committedFields = nf;
    let i = from;
    let committed = from;

    rows: while (i < end && i < stopAt && nr < maxRows) {
      if (nr + 1 >= rowLine.length) {
        batch.growRows();
        rowField = batch.rowField;
        rowStart = batch.rowStart;
        rowLine = batch.rowLine;
      }
      const rowBegin = i;
      const rowFirstField = nf;
      let breaks = 0;
      let rowEnd: number;

      for (;;) {
        if (nf >= fieldCapacity) {
          batch.growFields();
          fieldStart = batch.fieldStart;
          fieldEnd = batch.fieldEnd;
          fieldFlags = batch.fieldFlags;
          fieldCapacity = fieldFlags.length;
        }
        const fs = i;
        // Where the field ends: at a delimiter, a line ending or the end of the input.
        let t = i;
        // A quote inside unquoted text, or text after a closing quote: COPY's raw-field rules apply.
        let raw = false;

        if (i >= end || data[i] !== quote) {
          t = skipOrdinary(data, words, i, end, lowMax, lowBias, exact, exactPattern, classes);
          if (t >= end && !eof) break rows;
          const c = t < end ? classes[data[t]!] : CLASS_DELIMITER;
          if (c === CLASS_SPECIAL) raw = true;
          else {
            fieldStart[nf] = fs;
            fieldEnd[nf] = t;
            fieldFlags[nf] =
              t - fs === nullLength && (nullLength === 0 || bytesEqualAt(data, fs, nullBytes))
                ? FIELD_NULL
                : 0;
            nf++;
            if (c === CLASS_DELIMITER && t < end) {
              i = t + 1;
              continue; // the common case, kept short
            }
          }
        } else {
          const close = this.closingQuote(data, i + 1);
          if (close < 0) {
            if (!eof) break rows;
            throw rowError('unterminated CSV quoted field', data, rowBegin, end, line);
          }
          t = close + 1;
          // With the quote as its own escape, a quote as the last byte may be the first of a pair.
          if (t >= end && !eof) break rows;
          const c = t < end ? classes[data[t]!] : CLASS_DELIMITER;
          if (c === 0 || c === CLASS_SPECIAL) raw = true;
          else {
            breaks += this.quotedBreaks;
            fieldStart[nf] = fs + 1;
            fieldEnd[nf] = close;
            fieldFlags[nf] = this.quotedEscapes ? FIELD_ESCAPED : 0;
            nf++;
          }
        }

        if (raw) {
          t = this.rawFieldEnd(data, fs, eof);
          if (t === NEED_MORE) break rows;
          if (t < 0) throw rowError('unterminated CSV quoted field', data, rowBegin, end, line);
          breaks += this.rawBreaks;
          fieldStart[nf] = fs;
          fieldEnd[nf] = t;
          fieldFlags[nf] = FIELD_ESCAPED | FIELD_RAW_CSV;
          nf++;
        }

        // data[t] ends the field.
        if (t >= end) {
          rowEnd = end;
          break;
        }
        const ending = classes[data[t]!];
        if (ending === CLASS_DELIMITER) {
          i = t + 1;
          continue;
        }
        if (ending === CLASS_LF && eolIsLf) rowEnd = t + 1;
        else {
          rowEnd = this.lineEnd(data, t, eof, rowBegin, line);
          if (rowEnd === NEED_MORE) break rows;
          eolIsLf = this.eol === EOL_LF;
        }
        break;
      }

      rowField[nr] = rowFirstField;
      rowStart[nr] = rowBegin;
      rowLine[nr] = line;
      nr++;
      line += 1 + breaks;
      i = rowEnd;
      committed = rowEnd;
      committedRows = nr;
      committedFields = nf;
    }
    batch.rowCount = committedRows;
    batch.fieldCount = committedFields;
    this.line = line;
    return committed;
  }

  /**
   * The closing quote of a quoted field whose content starts at `from`: its index, or -1 if the input
   * ends first. Inside quotes, escape + (quote | escape) is data (`""` when the escape is the quote).
   * A quote that is the last byte there is returned as closing: the caller waits for more input
   * before trusting that. Sets quotedEscapes and quotedBreaks (LF, CRLF and a lone CR count one).
   */
  private closingQuote(data: Uint8Array, from: number): number {
    const classes = this.quotedClasses;
    const { quote, escape: escapeByte } = this.dialect;
    const end = data.length;
    let escapes = false;
    let breaks = 0;
    let j = from;
    for (;;) {
      // Quoted values are mostly short: a plain loop beats an indexOf call for them.
      let c = 0;
      while (j < end) {
        c = classes[data[j]!]!;
        if (c !== 0) break;
        j++;
      }
      if (j >= end) return -1;
      const next = j + 1 < end ? data[j + 1]! : -1;
      if (c === QUOTED_QUOTE) {
        if (escapeByte !== quote || next !== quote) break;
        escapes = true;
        j += 2;
      } else if (c === QUOTED_ESCAPE) {
        if (next < 0) return -1;
        if (next === quote || next === escapeByte) {
          escapes = true;
          j += 2;
        } else j++;
      } else {
        if (c === QUOTED_LF || next !== LF) breaks++;
        j++;
      }
    }
    this.quotedEscapes = escapes;
    this.quotedBreaks = breaks;
    return j;
  }

  /**
   * The end of a field read by COPY's own state machine — quotes toggle quoting anywhere, escapes
   * apply inside quotes — starting outside quotes at `from`. NEED_MORE if the input ends first (and
   * more may come), UNTERMINATED at the end of the input inside quotes. Sets rawBreaks.
   */
  private rawFieldEnd(data: Uint8Array, from: number, eof: boolean): number {
    const { classes } = this;
    const { quote, escape: escapeByte } = this.dialect;
    const end = data.length;
    let inQuote = false;
    let breaks = 0;
    let j = from;
    for (;;) {
      if (j >= end) {
        if (!eof) return NEED_MORE;
        if (inQuote) return UNTERMINATED;
        break;
      }
      const b = data[j]!;
      if (!inQuote) {
        const c = classes[b]!;
        if (c === CLASS_DELIMITER || c === CLASS_LF || c === CLASS_CR) break;
        if (c === CLASS_SPECIAL) inQuote = true;
        j++;
        continue;
      }
      if (b === escapeByte) {
        if (j + 1 >= end) {
          if (!eof) return NEED_MORE;
        } else {
          const next = data[j + 1];
          if (next === quote || next === escapeByte) {
            j += 2;
            continue;
          }
        }
      }
      if (b === quote) inQuote = false;
      else if (b === LF) breaks++;
      else if (b === CR) {
        if (j + 1 >= end) {
          if (!eof) return NEED_MORE;
          breaks++;
        } else if (data[j + 1] !== LF) breaks++;
      }
      j++;
    }
    this.rawBreaks = breaks;
    return j;
  }
}

/** Byte classes inside quotes. */
const QUOTED_QUOTE = 1;
const QUOTED_ESCAPE = 2;
const QUOTED_LF = 3;
const QUOTED_CR = 4;

/** rawFieldEnd: the input ended inside quotes. */
const UNTERMINATED = -2;
