/**
 * Streaming CSV / COPY-text parsing: chunks in, FieldBatches of whole rows out. Input accumulates until
 * a batch's worth (targetBytes) is there, the scanner cuts it into rows, and the partial last row waits
 * for the next chunk. A row longer than targetBytes makes one larger batch; the scanner retries a
 * partial row only after the pending bytes have doubled, so even a huge field is scanned in linear time.
 */

import type { CsvOptions } from '../api.ts';
import { ByteWindow } from './byte-window.ts';
import { CsvRowBoundaries } from './csv-row-boundaries.ts';
import { CsvScanner } from './csv-scanner.ts';
import { DelimitedFieldBatch } from './delimited-batch.ts';
import { type DialectKind, resolveDialect } from './dialect.ts';
import type { FieldBatch } from './field-batch.ts';
import { maxRowBytesOf, rowTooLong } from './row-limit.ts';
import type { RowScanner } from './row-scanner.ts';
import { TextScanner } from './text-scanner.ts';
import { fieldText } from './unescape.ts';

export const DEFAULT_TARGET_BYTES = 2 * 1024 * 1024;

export interface DelimitedParseOptions extends CsvOptions {
  /** 'csv' (COPY FORMAT csv) or 'text' (COPY's text format, for tsv). */
  dialect: DialectKind;
  /** Called once with the header row's names when `header` is true (with [] for an empty input). */
  onHeader?: (names: string[]) => void;
  /**
   * Asked before each CSV batch after the header: when true, that batch's rows are found without
   * their fields (csv-row-boundaries.ts; the batch is FieldBatch.rowsOnly). For the raw load path,
   * which decides after the first batch, and the mixed one, which decides batch by batch.
   */
  rowsOnly?: () => boolean;
}

export interface BatchLimits {
  /** Bytes of complete rows per batch (the last batch may be smaller); default 2 MiB. */
  targetBytes?: number;
  /** The most bytes one row may take (see row-limit.ts); default 64 MiB. */
  maxRowBytes?: number;
}

/** A chunk larger than this is taken in pieces, keeping every offset in a batch within int32. */
const MAX_PIECE = 256 * 1024 * 1024;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Parses delimited text into batches. Each yielded batch (the same object every time, refilled) is
 * valid until the next one is asked for. Throws BadRowError for input COPY would refuse to split
 * (an unterminated quoted field, mixed line endings), with the line where the row starts.
 */
export async function* parseDelimited(
  chunks: AsyncIterable<Uint8Array>,
  options: DelimitedParseOptions,
  limits: BatchLimits = {},
): AsyncGenerator<FieldBatch, void, undefined> {
  const dialect = resolveDialect({ ...options, kind: options.dialect });
  const targetBytes = Math.max(1, Math.floor(limits.targetBytes ?? DEFAULT_TARGET_BYTES));
  const maxRowBytes = maxRowBytesOf(limits.maxRowBytes);
  const fieldScanner: RowScanner =
    dialect.kind === 'csv' ? new CsvScanner(dialect) : new TextScanner(dialect);
  let scanner = fieldScanner;
  const rowScanner = dialect.kind === 'csv' && options.rowsOnly ? new CsvRowBoundaries(dialect) : null;
  const batch = new DelimitedFieldBatch(dialect);
  const window = new ByteWindow(targetBytes);
  const source = chunks[Symbol.asyncIterator]();
  let pendingPieces: Uint8Array | null = null;
  let eof = false;
  let needHeader = dialect.header;
  let scanPos = 0;
  // Unscanned bytes to gather before the next scan.
  let want = Math.max(targetBytes, BOM.length);

  /** Appends the next piece of input; false at the end. */
  const readMore = async (): Promise<boolean> => {
    let chunk = pendingPieces;
    pendingPieces = null;
    if (chunk === null) {
      const next = await source.next();
      if (next.done) return false;
      chunk = next.value;
    }
    if (chunk.length > MAX_PIECE) {
      pendingPieces = chunk.subarray(MAX_PIECE);
      chunk = chunk.subarray(0, MAX_PIECE);
    }
    const shift = window.append(chunk);
    if (shift !== 0) {
      scanPos -= shift;
      if (batch.rowCount > 0) rebase(batch, shift);
    }
    return true;
  };

  try {
    while (!eof && window.end < BOM.length) eof = !(await readMore());
    if (window.end >= BOM.length && BOM.every((b, k) => window.bytes[k] === b)) {
      window.start = scanPos = BOM.length;
    }
    for (;;) {
      while (!eof && window.end - scanPos < want) eof = !(await readMore());
      if (batch.rowCount === 0) batch.reset(window.bytes);
      const data = window.view();

      if (needHeader) {
        scanPos = scanner.scan(batch, data, scanPos, eof, Number.POSITIVE_INFINITY, 1);
        if (batch.rowCount === 0 && !eof) {
          if (window.end - scanPos > maxRowBytes) throw rowTooLong(1, maxRowBytes, window.end - scanPos);
          want = Math.min(maxRowBytes + 1, Math.max(1, 2 * (window.end - scanPos)));
          continue;
        }
        needHeader = false;
        batch.bytes = window.bytes;
        const names: string[] = [];
        if (batch.rowCount === 1) {
          batch.seal(scanPos, scanner.line);
          for (let f = batch.rowField[0]!; f < batch.rowField[1]!; f++) names.push(fieldText(batch, f) ?? '');
        }
        options.onHeader?.(names);
        batch.reset(window.bytes);
        window.start = scanPos;
        want = targetBytes;
        continue;
      }

      if (batch.rowCount === 0 && rowScanner && options.rowsOnly) {
        // Both scanners stop at row boundaries and carry only the line and its ending across scans.
        const wanted = options.rowsOnly() ? rowScanner : fieldScanner;
        if (wanted !== scanner) scanner = switchedScanner(scanner, wanted);
      }
      const stopAt = window.start + targetBytes;
      scanPos = scanner.scan(batch, data, scanPos, eof, stopAt, Number.POSITIVE_INFINITY);
      const drained = eof && scanPos === window.end;
      if (batch.rowCount > 0 && (scanPos >= stopAt || drained)) {
        batch.bytes = window.bytes;
        batch.seal(scanPos, scanner.line);
        if (scanPos - batch.rowStart[0]! > maxRowBytes) checkRowLengths(batch, maxRowBytes);
        batch.sourceOffset = window.base + batch.rowStart[0]!;
        yield batch;
        batch.reset(window.bytes);
        window.start = scanPos;
        scanPos -= window.compact();
        want = targetBytes;
      } else if (drained) {
        return;
      } else {
        // The rows so far are short of a batch, or a partial row is all there is: wait until the
        // bytes after the last complete row have doubled (or reach the rest of the batch), but never
        // hold more of one row than the bound.
        const partial = window.end - scanPos;
        if (partial > maxRowBytes) throw rowTooLong(scanner.line, maxRowBytes, partial);
        want = Math.max(1, Math.min(maxRowBytes + 1, 2 * partial), stopAt - scanPos);
      }
    }
  } finally {
    await source.return?.();
  }
}

/** `next`, to go on where `previous` stopped: at the same line, with the line-ending style it found. */
function switchedScanner(previous: RowScanner, next: RowScanner): RowScanner {
  next.line = previous.line;
  next.eol = previous.eol;
  return next;
}

/** A row that arrived whole (a source given in one piece) is held to the same bound as a streamed one. */
function checkRowLengths(batch: DelimitedFieldBatch, maxRowBytes: number): void {
  for (let r = 0; r < batch.rowCount; r++) {
    const length = batch.rowStart[r + 1]! - batch.rowStart[r]!;
    if (length > maxRowBytes) throw rowTooLong(batch.rowLine[r]!, maxRowBytes, length);
  }
}

/** Moves the spans of the rows already scanned after the window dropped `shift` bytes before them. */
function rebase(batch: DelimitedFieldBatch, shift: number): void {
  for (let f = 0; f < batch.fieldCount; f++) {
    batch.fieldStart[f]! -= shift;
    batch.fieldEnd[f]! -= shift;
  }
  for (let r = 0; r < batch.rowCount; r++) batch.rowStart[r]! -= shift;
}
