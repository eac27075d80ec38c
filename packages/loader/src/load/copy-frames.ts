/**
 * EncodedChunks as CopyData messages, and a server error during COPY traced back to the source row.
 * A chunk goes out as one message per MiB (messages need not align with rows; ours happen to).
 */
import { copyErrorContext, PostgresError, SqlState } from '@haul/protocol';
import { copyDataMessage, PGCOPY_HEADER, PGCOPY_TRAILER } from '@haul/protocol/copy';
import { BadRowError, preview } from '../errors.ts';
import type { EncodedChunk } from './chunk.ts';
import { StepLog } from './step-log.ts';

const MESSAGE_MAX = 1 << 20;

/**
 * COPY data bytes a CopyRowMap keeps the rows of, back from the last row sent: more than the kernel's
 * send and receive buffers between us and the server hold (Linux autotunes them up to 4 and 6 MiB),
 * so the row the server is reading when it fails is always still mapped. Rows further back have been
 * read and accepted; a COPY of any size then keeps a bounded map (M1: flat memory in the file's
 * size). It keeps no chunk data, only a segment per chunk: unlike RECENT_BYTES, it can be generous.
 */
export const ROW_MAP_WINDOW_BYTES = 16 << 20;

/**
 * CopyData messages for bytes[start, end), each complete in one array: the connection may stop
 * between two of them (CopyFail on abort), never inside one, or the server would read the CopyFail
 * as part of an unfinished CopyData.
 */
export function* frameBytes(bytes: Uint8Array, start = 0, end = bytes.length): Generator<Uint8Array> {
  for (let at = start; at < end; at += MESSAGE_MAX)
    yield copyDataMessage(bytes, at, Math.min(end, at + MESSAGE_MAX));
}

export function* binaryHeaderFrame(): Generator<Uint8Array> {
  yield* frameBytes(PGCOPY_HEADER);
}

export function* binaryTrailerFrame(): Generator<Uint8Array> {
  yield* frameBytes(PGCOPY_TRAILER);
}

/** The bytes of rows [from, to) of a chunk. */
export function rowSpan(chunk: EncodedChunk, from: number, to: number): [number, number] {
  return [from === 0 ? 0 : chunk.rowEnd[from - 1]!, to === 0 ? 0 : chunk.rowEnd[to - 1]!];
}

/**
 * What a COPY keeps of each chunk it carried, to name a row's source line later: never the chunk
 * itself (a COPY may carry a whole file, and its data must go once it is sent), and nothing per row
 * but the rows that break the one-line-per-row pattern.
 */
interface Segment {
  /** COPY row index (0-based) of the segment's first row, and the server lines before it. */
  readonly firstRow: number;
  readonly linesBefore: number;
  readonly count: number;
  /** Row w ends on the server's line w + 1 + extraThrough(w), from the segment's start: its entries
   * [serverFrom, serverTo) of the map's server StepLog. */
  readonly serverFrom: number;
  readonly serverTo: number;
  /** Row w starts on source line firstLine + w + extraThrough(w): entries of the source StepLog. */
  readonly firstLine: number;
  readonly sourceFrom: number;
  readonly sourceTo: number;
  /** Chunk row index of the segment's first row, and the chunk's row texts (reject mode). */
  readonly offset: number;
  readonly text?: (i: number) => string;
  /** COPY data bytes of its rows. */
  readonly bytes: number;
}

/**
 * The rows one COPY statement has carried, to map the server's "line N" back to a row and its source
 * line. The server counts lines, not rows: a raw CSV row whose quoted fields hold line breaks counts
 * as several (see MultiLineRows), every other row as one.
 */
export class CopyRowMap {
  private readonly segments: Segment[] = [];
  private total = 0;
  private lines = 0;
  private heldBytes = 0;
  /** Rows and server lines of the segments let go (the COPY's first ones): no longer mapped. */
  private droppedRows = 0;
  private droppedLines = 0;
  private readonly serverLog = new StepLog();
  private readonly sourceLog = new StepLog();

  constructor(private readonly windowBytes = ROW_MAP_WINDOW_BYTES) {}

  /** Records rows [from, to) of `chunk` as the next rows of this COPY. */
  add(chunk: EncodedChunk, from = 0, to = chunk.rows): void {
    if (to <= from) return;
    const serverFrom = this.serverSteps(chunk, from, to);
    const serverTo = this.serverLog.length;
    const sourceFrom = sourceSteps(this.sourceLog, chunk.rowLine, from, to);
    const [start, end] = rowSpan(chunk, from, to);
    this.segments.push({
      firstRow: this.total,
      linesBefore: this.lines,
      count: to - from,
      serverFrom,
      serverTo,
      firstLine: chunk.rowLine[from]!,
      sourceFrom,
      sourceTo: this.sourceLog.length,
      offset: from,
      ...(chunk.rowText ? { text: chunk.rowText } : {}),
      bytes: end - start,
    });
    this.total += to - from;
    this.lines += to - from + this.serverLog.total(serverFrom, serverTo);
    this.heldBytes += end - start;
    while (this.segments.length > 1 && this.heldBytes - this.segments[0]!.bytes >= this.windowBytes) {
      const dropped = this.segments.shift()!;
      this.heldBytes -= dropped.bytes;
      this.droppedRows = dropped.firstRow + dropped.count;
      this.droppedLines = this.segments[0]!.linesBefore;
      this.serverLog.trim(dropped.serverTo);
      this.sourceLog.trim(dropped.sourceTo);
    }
  }

  get rows(): number {
    return this.total;
  }

  /** Entries held (segments, and the steps inside them): what its memory grows with. */
  get retained(): number {
    return this.segments.length + this.serverLog.size + this.sourceLog.size;
  }

  /** Step tables allocated (StepLog): what its allocations grow with. */
  get tablesMade(): number {
    return this.serverLog.tablesMade + this.sourceLog.tablesMade;
  }

  /**
   * The COPY row (0-based) on which the server's line `line` (1-based) falls; -1 if none was sent, or
   * it is older than the window kept.
   */
  rowAtLine(line: number): number {
    if (line <= this.droppedLines || line > this.lines) return -1;
    const segment = this.segments[this.find(line, (s) => s.linesBefore)]!;
    const within = line - segment.linesBefore;
    const { serverFrom, serverTo } = segment;
    if (serverTo === serverFrom) return segment.firstRow + within - 1;
    const log = this.serverLog;
    // The first row whose last line is at or past `within`.
    let lo = 0;
    let hi = segment.count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (mid + 1 + log.extraThrough(serverFrom, serverTo, mid) >= within) hi = mid;
      else lo = mid + 1;
    }
    return segment.firstRow + lo;
  }

  /** Source line and text of the COPY's row `row` (0-based), if it was sent. */
  source(row: number): { line: number; text?: string } | null {
    if (row < this.droppedRows || row >= this.total) return null;
    const segment = this.segments[this.find(row + 1, (s) => s.firstRow)]!;
    const within = row - segment.firstRow;
    const line =
      segment.firstLine + within + this.sourceLog.extraThrough(segment.sourceFrom, segment.sourceTo, within);
    const i = segment.offset + within;
    return segment.text ? { line, text: segment.text(i) } : { line };
  }

  /** The last segment whose `key` is below `value` (keys ascend). */
  private find(value: number, key: (segment: Segment) => number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (key(this.segments[mid]!) < value) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Logs the server's extra lines of rows [from, to) (the line breaks it counts inside their quotes)
   * as a new segment of the server StepLog; returns the segment's first entry.
   */
  private serverSteps(chunk: EncodedChunk, from: number, to: number): number {
    const log = this.serverLog;
    const first = log.begin();
    const multi = chunk.multiLine;
    if (!multi) return first;
    for (let k = lowerBound(multi.rows, from); k < multi.rows.length && multi.rows[k]! < to; k++) {
      const row = multi.rows[k]!;
      // The COPY's first row is read before its line ending is known: then only CRs count.
      const lfCounts = multi.lfEndings && this.total + row - from > 0;
      const lines = lfCounts ? multi.lf[k]! : multi.cr[k]!;
      if (lines !== 0) log.push(row - from, lines);
    }
    return first;
  }
}

/**
 * Logs where rows [from, to) of a chunk leave the one-line-per-row pattern (rows spanning lines, gaps)
 * as a new segment of `log`; returns the segment's first entry.
 */
function sourceSteps(log: StepLog, rowLine: Float64Array, from: number, to: number): number {
  const first = log.begin();
  if (rowLine[to - 1]! - rowLine[from]! === to - 1 - from) return first;
  for (let i = from + 1; i < to; i++) {
    const gap = rowLine[i]! - rowLine[i - 1]! - 1;
    if (gap !== 0) log.push(i - from, gap);
  }
  return first;
}

function lowerBound(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A server error during COPY as a BadRowError naming the source line, when its CONTEXT names a row. */
export function mapCopyError(error: unknown, rows: CopyRowMap): unknown {
  if (!(error instanceof PostgresError)) {
    const cause = (error as { cause?: unknown } | null)?.cause;
    if (cause instanceof PostgresError && cause.code !== SqlState.QueryCanceled)
      return mapCopyError(cause, rows);
    return error;
  }
  const context = copyErrorContext(error);
  if (!context) return error;
  return rowError(error, rows, rows.rowAtLine(context.line), context) ?? error;
}

/**
 * The server's refusal of the COPY's row `row` (0-based) as a BadRowError with the row's source line,
 * the column (the error's own field, else its CONTEXT's) and value; null if that row was not sent.
 */
export function rowError(
  error: PostgresError,
  rows: CopyRowMap,
  row: number,
  context = copyErrorContext(error),
): BadRowError | null {
  const found = rows.source(row);
  if (!found) return null;
  const column = error.column ?? context?.column;
  const value = context?.value;
  const detail = error.detail ? ` (${error.detail})` : '';
  return new BadRowError(
    `line ${found.line}${column ? `, column ${column}` : ''}: ${error.serverMessage}${detail} (SQLSTATE ${error.code})`,
    {
      line: found.line,
      sqlstate: error.code,
      ...(column ? { column } : {}),
      ...(value !== undefined ? { value: preview(value) } : {}),
    },
    { cause: error },
  );
}
