/**
 * The raw path's CSV scanner: where each row ends and the line it starts on, exactly as CsvScanner
 * finds them, with no per-field work. On the raw path the server splits the fields (and checks their
 * count and NOT NULL); the client only needs rows, to cut chunks at row boundaries, and their lines,
 * to name a row the server refuses.
 *
 * A row boundary does not depend on delimiters: it is the first LF or CR outside quotes, where a quote
 * toggles quoting anywhere in a field and, inside quotes, escape + (quote | escape) is data (COPY's
 * CopyReadLineText). So outside quotes only three bytes matter, found with the runtime's byte search
 * (memchr in Node) rather than a loop over every byte; each search's answer is kept until the scan
 * passes it, so a row costs about one search. Inside quotes (short, mostly) a plain loop counts the
 * line breaks (LF, CRLF and a lone CR count one, as CsvScanner counts them).
 *
 * Batches it fills have row spans and lines only (FieldBatch.rowsOnly): no field spans.
 */
import { type ByteIndexOf, indexOfByte } from './byte-search.ts';
import type { DelimitedFieldBatch } from './delimited-batch.ts';
import type { DelimitedDialect } from './dialect.ts';
import { CR, EOL_LF, LF, NEED_MORE, RowScanner, rowError } from './row-scanner.ts';

/** quotedEnd: the input ended inside quotes. */
const UNTERMINATED = -2;

export class CsvRowBoundaries extends RowScanner {
  /** The line breaks inside the quoted section quotedEnd just read. */
  private quotedBreaks = 0;

  constructor(
    dialect: DelimitedDialect,
    /** The byte search; a test passes one that counts the bytes it looks at. */
    private readonly indexOf: ByteIndexOf = indexOfByte,
  ) {
    super(dialect);
    if (dialect.kind !== 'csv') throw new TypeError('CsvRowBoundaries reads the csv dialect only');
  }

  scan(
    batch: DelimitedFieldBatch,
    data: Uint8Array,
    from: number,
    eof: boolean,
    stopAt: number,
    maxRows: number,
  ): number {
    const quote = this.dialect.quote;
    const indexOf = this.indexOf;
    const end = data.length;
    let { rowField, rowStart, rowLine } = batch;
    let nr = batch.rowCount;
    let line = this.line;
    // The next LF, CR and quote at or after the scan position (`end` when there is none); -1: not
    // searched yet. Searched again only once the scan has passed them.
    let nextLf = -1;
    let nextCr = -1;
    let nextQuote = -1;
    // The searches look at data[0, limit) only, as far again past where the batch stops: a whole
    // file given as one array would otherwise be searched to its end (for a CR an LF file has none)
    // once per batch. A row running past `limit` doubles it.
    let limit = Math.min(end, stopAt + (stopAt - from));
    let view = limit === end ? data : data.subarray(0, limit);
    let i = from;

    rows: while (i < end && i < stopAt && nr < maxRows) {
      if (nr + 1 >= rowLine.length) {
        batch.growRows();
        ({ rowField, rowStart, rowLine } = batch);
      }
      let breaks = 0;
      let rowEnd: number;
      // Outside quotes, at j.
      let j = i;
      for (;;) {
        if (nextLf < j) nextLf = search(indexOf, view, LF, j, limit);
        if (nextCr < j) nextCr = search(indexOf, view, CR, j, limit);
        if (nextQuote < j) nextQuote = search(indexOf, view, quote, j, limit);
        const t = Math.min(nextLf, nextCr, nextQuote);
        if (t >= limit && limit < end) {
          limit = Math.min(end, limit + (limit - from));
          view = limit === end ? data : data.subarray(0, limit);
          nextLf = nextCr = nextQuote = -1;
          continue;
        }
        if (t >= end) {
          if (!eof) break rows;
          rowEnd = end;
          break;
        }
        if (t === nextQuote) {
          const close = this.quotedEnd(data, t + 1, eof);
          if (close === NEED_MORE) break rows;
          if (close === UNTERMINATED) throw rowError('unterminated CSV quoted field', data, i, end, line);
          breaks += this.quotedBreaks;
          j = close;
          continue;
        }
        if (t === nextLf && this.eol === EOL_LF) rowEnd = t + 1;
        else {
          rowEnd = this.lineEnd(data, t, eof, i, line);
          if (rowEnd === NEED_MORE) break rows;
        }
        break;
      }
      rowField[nr] = 0;
      rowStart[nr] = i;
      rowLine[nr] = line;
      nr++;
      line += 1 + breaks;
      i = rowEnd;
    }
    batch.rowCount = nr;
    batch.fieldCount = 0;
    batch.rowsOnly = true;
    this.line = line;
    return i;
  }

  /**
   * The offset after the quote closing a quoted section whose content starts at `from`; NEED_MORE if
   * the input ends first and more may come (a quote that is the last byte may be the first of a
   * doubled one), UNTERMINATED at the end of the input. Sets quotedBreaks.
   */
  private quotedEnd(data: Uint8Array, from: number, eof: boolean): number {
    const { quote, escape: escapeByte } = this.dialect;
    const end = data.length;
    let breaks = 0;
    let j = from;
    for (;;) {
      if (j >= end) return eof ? UNTERMINATED : NEED_MORE;
      const b = data[j]!;
      if (b === escapeByte) {
        // Also the quote itself when the escape is the quote: `""` is one quote of data.
        if (j + 1 >= end) {
          if (!eof) return NEED_MORE;
          if (b === quote) break;
          return UNTERMINATED;
        }
        const next = data[j + 1]!;
        if (next === quote || next === escapeByte) {
          j += 2;
          continue;
        }
        if (b === quote) break;
      } else if (b === quote) break;
      else if (b === LF) breaks++;
      else if (b === CR && (j + 1 >= end || data[j + 1] !== LF)) breaks++;
      j++;
    }
    this.quotedBreaks = breaks;
    return j + 1;
  }
}

/** The index of `byte` in data[from, end), or `end`. */
function search(indexOf: ByteIndexOf, data: Uint8Array, byte: number, from: number, end: number): number {
  const at = indexOf.call(data, byte, from);
  return at < 0 ? end : at;
}
