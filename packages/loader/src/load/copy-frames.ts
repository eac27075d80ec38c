/**
 * EncodedChunks as CopyData messages, and a server error during COPY traced back to the source row.
 * A chunk goes out as one message per MiB (messages need not align with rows; ours happen to).
 */
import { PostgresError } from '@haul/protocol';
import { BadRowError, preview } from '../errors.ts';
import type { EncodedChunk } from './chunk.ts';

const MESSAGE_MAX = 1 << 20;

/** PGCOPY signature, flags 0, no header extension: the first bytes of a binary COPY. */
const BINARY_HEADER = new Uint8Array([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
const BINARY_TRAILER = new Uint8Array([0xff, 0xff]);

/**
 * CopyData messages for bytes[start, end), each complete in one array: the connection may stop
 * between two of them (CopyFail on abort), never inside one, or the server would read the CopyFail
 * as part of an unfinished CopyData.
 */
export function* frameBytes(bytes: Uint8Array, start = 0, end = bytes.length): Generator<Uint8Array> {
  for (let at = start; at < end; at += MESSAGE_MAX) {
    const stop = Math.min(end, at + MESSAGE_MAX);
    const message = new Uint8Array(5 + stop - at);
    message[0] = 0x64; // 'd'
    new DataView(message.buffer).setInt32(1, stop - at + 4);
    message.set(bytes.subarray(at, stop), 5);
    yield message;
  }
}

export function* binaryHeaderFrame(): Generator<Uint8Array> {
  yield* frameBytes(BINARY_HEADER);
}

export function* binaryTrailerFrame(): Generator<Uint8Array> {
  yield* frameBytes(BINARY_TRAILER);
}

/** The bytes of rows [from, to) of a chunk. */
export function rowSpan(chunk: EncodedChunk, from: number, to: number): [number, number] {
  return [from === 0 ? 0 : chunk.rowEnd[from - 1]!, to === 0 ? 0 : chunk.rowEnd[to - 1]!];
}

/** Row number (1-based, counted from the COPY's first row) and column from an error's context. */
export function copyErrorLocation(error: PostgresError): { row: number; column?: string } | null {
  const where = error.where;
  if (!where) return null;
  const at = where.lastIndexOf('COPY ');
  const match = /, line (\d+)(?:, column ([^:]+))?/.exec(at >= 0 ? where.slice(at) : where);
  if (!match) return null;
  return match[2] === undefined ? { row: Number(match[1]) } : { row: Number(match[1]), column: match[2] };
}

/**
 * The rows one COPY statement has carried, to map the server's "line N" back to the source. A COPY
 * can carry millions of rows, so a chunk whose rows sit on consecutive lines (the usual case: no
 * field spans lines) is kept as its first line only.
 */
export class CopyRowMap {
  private readonly starts: number[] = [];
  private readonly chunks: {
    firstLine: number;
    rowLine: Float64Array | null;
    text?: (i: number) => string;
    offset: number;
  }[] = [];
  private total = 0;

  /** Records rows [from, to) of `chunk` as the next rows of this COPY. */
  add(chunk: EncodedChunk, from = 0, to = chunk.rows): void {
    if (to <= from) return;
    this.starts.push(this.total);
    const lines = chunk.rowLine;
    const consecutive = lines[to - 1]! - lines[from]! === to - 1 - from;
    this.chunks.push({
      firstLine: lines[from]!,
      rowLine: consecutive ? null : lines,
      offset: from,
      ...(chunk.rowText ? { text: chunk.rowText } : {}),
    });
    this.total += to - from;
  }

  get rows(): number {
    return this.total;
  }

  /** Source line and text of the COPY's row `row` (1-based), if it was sent. */
  lookup(row: number): { line: number; text?: string } | null {
    const index = row - 1;
    if (index < 0 || index >= this.total) return null;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    const entry = this.chunks[lo]!;
    const within = index - this.starts[lo]!;
    const i = entry.offset + within;
    const line = entry.rowLine ? entry.rowLine[i]! : entry.firstLine + within;
    return entry.text ? { line, text: entry.text(i) } : { line };
  }
}

/** A server error during COPY as a BadRowError naming the source line, when it names a row. */
export function mapCopyError(error: unknown, rows: CopyRowMap): unknown {
  if (!(error instanceof PostgresError)) {
    const cause = (error as { cause?: unknown } | null)?.cause;
    if (cause instanceof PostgresError && cause.code !== '57014') return mapCopyError(cause, rows);
    return error;
  }
  const location = copyErrorLocation(error);
  const found = location ? rows.lookup(location.row) : null;
  if (!location || !found) return error;
  const column = error.column ?? location.column;
  const value = /: "(.*)"$/s.exec(error.where ?? '')?.[1];
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
