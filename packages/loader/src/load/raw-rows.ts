/**
 * The raw path: CSV (or COPY text) rows go to the server exactly as they are in the source, and the
 * server's own parser reads them in the same dialect. The client only finds row boundaries, counts
 * fields and checks NOT NULL, so on a machine with few cores the work lands on the shards' backends,
 * which run in parallel, instead of on this one thread. Chosen when the source's fields map one to one,
 * in order, onto the COPY column list (see plan.ts).
 */
import type { Writer } from '@haul/protocol';
import type { DelimitedDialect } from '../source/dialect.ts';
import type { ChunkBuilder } from './chunk-builder.ts';
import { quoteLiteral } from './sql-literal.ts';

const LF = 0x0a;
const CR = 0x0d;

/** `(format csv, delimiter ',', quote '"', escape '"', null '')`: the source's dialect, for COPY. */
export function copyOptionsFor(dialect: DelimitedDialect): string {
  const char = (byte: number) => quoteLiteral(String.fromCharCode(byte));
  const nullText = quoteLiteral(new TextDecoder().decode(dialect.nullBytes));
  if (dialect.kind === 'text') return `format text, delimiter ${char(dialect.delimiter)}, null ${nullText}`;
  return `format csv, delimiter ${char(dialect.delimiter)}, quote ${char(dialect.quote)}, escape ${char(dialect.escape)}, null ${nullText}`;
}

/**
 * Appends one raw row, its line ending made the same as the source's first row's (the server insists
 * on one style per COPY, and every COPY gets rows from this one writer), and one added where the
 * source's last row has none. A row that is only `\.` would read as the end-of-data marker: in CSV it
 * is quoted, which means the same text.
 */
export class RawRowWriter {
  /** The line ending: [LF], [CR, LF] or [CR]; from the first row written. */
  private ending: number[] | null = null;

  /**
   * Clean rows are copied as runs, one copy per run instead of per row: `runBytes[runStart, runEnd)`
   * is pending, to be written at the writer's current end.
   */
  private runBytes: Uint8Array | null = null;
  private runStart = 0;
  private runEnd = 0;

  constructor(private readonly csv: boolean) {}

  /** Whether the rows written end in a bare LF (the server's line count depends on it). */
  get endsInLf(): boolean {
    return this.ending !== null && this.ending.length === 1 && this.ending[0] === LF;
  }

  /** Bytes of the pending run, not yet in the writer. */
  get pending(): number {
    return this.runEnd - this.runStart;
  }

  /** Writes the pending run. Call before anything else writes to `w`, and before `bytes` is reused. */
  flush(w: Writer): void {
    if (this.runBytes && this.runEnd > this.runStart)
      w.raw(this.runBytes.subarray(this.runStart, this.runEnd));
    this.runBytes = null;
    this.runStart = 0;
    this.runEnd = 0;
  }

  /** Adds a clean row (see isClean) to the pending run; returns where it ends in `w` once flushed. */
  addToRun(w: Writer, bytes: Uint8Array, start: number, end: number): number {
    if (this.runBytes !== bytes || this.runEnd !== start) {
      this.flush(w);
      this.runBytes = bytes;
      this.runStart = start;
    }
    this.runEnd = end;
    return w.length + this.runEnd - this.runStart;
  }

  /**
   * Whether the row can go out byte for byte: it ends with the line ending every row gets and is not
   * the end-of-data marker. (Before the first row sets the ending, nothing is clean.)
   */
  isClean(bytes: Uint8Array, start: number, end: number): boolean {
    const ending = this.ending;
    if (ending === null || end - start <= ending.length) return false;
    const body = end - ending.length;
    for (let i = 0; i < ending.length; i++) if (bytes[body + i] !== ending[i]) return false;
    if (ending.length === 1 && bytes[body - 1] === CR) return false;
    return !(body - start === 2 && bytes[start] === 0x5c && bytes[start + 1] === 0x2e);
  }

  write(w: Writer, bytes: Uint8Array, start: number, end: number): void {
    let body = end;
    if (body > start && bytes[body - 1] === LF) body--;
    if (body > start && bytes[body - 1] === CR) body--;
    this.ending ??= body === end ? [LF] : Array.from(bytes.subarray(body, end));
    const ending = this.ending;
    if (body - start === 2 && bytes[start] === 0x5c && bytes[start + 1] === 0x2e) {
      // CSV: the quoted form is the same text. COPY text: `\.` unescapes to '.', which is what we send.
      if (this.csv) w.raw(QUOTED_END_MARKER);
      else w.u8(0x2e);
    } else {
      w.raw(bytes.subarray(start, body));
    }
    for (const byte of ending) w.u8(byte);
  }
}

const QUOTED_END_MARKER = new Uint8Array([0x22, 0x5c, 0x2e, 0x22]);

/** LFs and CRs inside a row's quotes. */
export interface QuotedLineBreaks {
  lf: number;
  cr: number;
}

/**
 * The LFs and CRs inside quotes in the CSV row bytes[start, end), found the way the server's line
 * reader (CopyReadLineText) finds them: a quote toggles quoting unless an escape (when it is not the
 * quote itself) precedes it inside quotes. Only for rows that span lines, so not on the hot path; still
 * written into `out`, the caller's, rather than a new object per row (M1: no garbage per row).
 */
export function quotedLineBreaks(
  bytes: Uint8Array,
  start: number,
  end: number,
  quote: number,
  escapeChar: number,
  out: QuotedLineBreaks = { lf: 0, cr: 0 },
): QuotedLineBreaks {
  const escapeByte = escapeChar === quote ? -1 : escapeChar;
  let inQuote = false;
  let lastWasEscape = false;
  let lf = 0;
  let cr = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (inQuote && c === escapeByte) lastWasEscape = !lastWasEscape;
    if (c === quote && !lastWasEscape) inQuote = !inQuote;
    if (c !== escapeByte) lastWasEscape = false;
    if (inQuote) {
      if (c === LF) lf++;
      else if (c === CR) cr++;
    }
  }
  out.lf = lf;
  out.cr = cr;
  return out;
}

/**
 * Raw CSV: notes the rows of the chunk being built that span lines, with their quoted line breaks,
 * in the chunk's pooled multi-line table (ChunkBuilder.addMultiLine).
 */
export class MultiLineNotes {
  private readonly breaks: QuotedLineBreaks = { lf: 0, cr: 0 };

  constructor(
    private readonly quote: number,
    private readonly escapeChar: number,
  ) {}

  /** Notes chunk row `row`, whose bytes are bytes[start, end), in `chunk`. */
  note(chunk: ChunkBuilder, bytes: Uint8Array, start: number, end: number, row: number): void {
    const breaks = quotedLineBreaks(bytes, start, end, this.quote, this.escapeChar, this.breaks);
    chunk.addMultiLine(row, breaks.lf, breaks.cr);
  }
}
