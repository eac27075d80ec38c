/**
 * The hot loop for COPY's text format (`tsv` here), as CopyReadLineText + CopyReadAttributesText read
 * it: fields split at the delimiter, rows at the line ending, and a backslash takes the byte after it
 * out of both (`\<tab>` is a tab in the field, `\<LF>` a newline in it). A field whose raw bytes are the
 * null string (`\N`) is NULL; any other field with a backslash is FIELD_ESCAPED.
 */
import type { DelimitedFieldBatch } from './delimited-batch.ts';
import { type DelimitedDialect, TEXT_ESCAPE } from './dialect.ts';
import { FIELD_ESCAPED, FIELD_NULL } from './field-batch.ts';
import {
  bytesEqualAt,
  CLASS_DELIMITER,
  CLASS_LF,
  CLASS_SPECIAL,
  CR,
  EOL_LF,
  LF,
  NEED_MORE,
  RowScanner,
  skipOrdinary,
} from './row-scanner.ts';

export class TextScanner extends RowScanner {
  constructor(dialect: DelimitedDialect) {
    super(dialect);
    this.classify(TEXT_ESCAPE, CLASS_SPECIAL);
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
    const { nullBytes } = this.dialect;
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
        let escaped = false;
        // COPY leaves a backslash that is the input's last byte out of the null comparison (and the value).
        let dangling = 0;
        let c = 0;
        for (;;) {
          i = skipOrdinary(data, words, i, end, lowMax, lowBias, exact, exactPattern, classes);
          if (i < end) c = classes[data[i]!]!;
          if (i >= end || c !== CLASS_SPECIAL) break;
          escaped = true;
          if (i + 1 >= end) {
            if (!eof) break rows;
            i = end;
            dangling = 1;
            break;
          }
          // The escaped byte is data even when it is a delimiter or a line ending.
          const next = data[i + 1];
          if (next === LF) breaks++;
          else if (next === CR) {
            if (i + 2 >= end) {
              if (!eof) break rows;
              breaks++;
            } else if (data[i + 2] !== LF) breaks++;
          }
          i += 2;
        }
        if (i >= end && !eof) break rows;
        fieldStart[nf] = fs;
        fieldEnd[nf] = i;
        fieldFlags[nf] =
          i - dangling - fs === nullLength && bytesEqualAt(data, fs, nullBytes)
            ? FIELD_NULL
            : escaped
              ? FIELD_ESCAPED
              : 0;
        nf++;

        if (i >= end) {
          rowEnd = end;
          break;
        }
        if (c === CLASS_DELIMITER) {
          i++;
          continue;
        }
        if (c === CLASS_LF && eolIsLf) rowEnd = i + 1;
        else {
          rowEnd = this.lineEnd(data, i, eof, rowBegin, line);
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
}
