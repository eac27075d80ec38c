/**
 * JSON sources as ValueBatches of about targetBytes each: NDJSON (one value per line) and a top-level
 * JSON array streamed element by element. Every row keeps its original text and the line it starts on,
 * so a rejected or failing row can be shown as it was written. Rows are parsed by json-parser.ts, which
 * keeps numbers and nested values as their source text. A row that is not valid UTF-8 or not valid
 * JSON is a bad row of its own (`rowError`), so onError 'reject' sets it aside and reads on.
 */
import { SqlState } from '@haul/protocol';
import { BadRowError, preview } from '../errors.ts';
import { ByteWindow } from './byte-window.ts';
import { DEFAULT_TARGET_BYTES } from './csv-parser.ts';
import { JsonParseError } from './json-lexer.ts';
import { JsonNumber, parseJsonText } from './json-parser.ts';
import { JsonElementScanner } from './json-scanner.ts';
import { maxRowBytesOf, rowTooLong } from './row-limit.ts';
import type { ValueBatch } from './row-reader.ts';
import { decodeLenient, decodeStrict, invalidSequenceText, invalidUtf8At } from './utf8.ts';

export interface JsonLimits {
  /** Source bytes per batch (about); default 2 MiB. */
  targetBytes?: number;
  /** The most bytes one row (line, element) may take; default 64 MiB (row-limit.ts). */
  maxRowBytes?: number;
}

type Row = readonly unknown[] | Readonly<Record<string, unknown>>;

const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];
/** Stands in for a row that could not be read (its error is in rowError). */
const NO_ROW: readonly unknown[] = Object.freeze([]);

/** Rows of one batch as they are read. */
class RowCollector {
  rows: Row[] = [];
  rowLine: number[] = [];
  rowText: string[] = [];
  rowError: Map<number, BadRowError> | undefined;

  constructor(private readonly what: 'line' | 'element') {}

  /** A row from its text; a parse error makes it a bad row. */
  add(text: string, line: number): void {
    let row: Row;
    try {
      row = parseRow(text, line, this.what);
    } catch (error) {
      if (!(error instanceof BadRowError)) throw error;
      this.addBad(error, text, line);
      return;
    }
    this.rows.push(row);
    this.rowLine.push(line);
    this.rowText.push(text);
  }

  addBad(error: BadRowError, text: string, line: number): void {
    this.rowError ??= new Map();
    this.rowError.set(this.rows.length, error);
    this.rows.push(NO_ROW);
    this.rowLine.push(line);
    this.rowText.push(text);
  }

  /** The invalid UTF-8 in bytes[start, end) as a bad row, as the server's 22021 would name it. */
  addInvalidUtf8(bytes: Uint8Array, start: number, end: number, line: number): void {
    const at = invalidUtf8At(bytes, start, end);
    const sequence = at < 0 ? 'unknown' : invalidSequenceText(bytes, at, end);
    const text = decodeLenient(bytes, start, end);
    // An element may span lines: name the one the bad byte is on.
    let on = line;
    for (let k = start; k < at; k++) if (bytes[k] === LF) on++;
    const error = new BadRowError(`line ${on}: invalid byte sequence for encoding "UTF8": ${sequence}`, {
      line,
      value: preview(text),
      sqlstate: SqlState.CharacterNotInRepertoire,
    });
    this.addBad(error, text, line);
  }

  take(sourceStart: number, sourceEnd: number): ValueBatch {
    const batch: ValueBatch = {
      rows: this.rows,
      rowLine: this.rowLine,
      rowText: this.rowText,
      sourceStart,
      sourceEnd,
      fromJson: true,
      ...(this.rowError ? { rowError: this.rowError } : {}),
    };
    this.rows = [];
    this.rowLine = [];
    this.rowText = [];
    this.rowError = undefined;
    return batch;
  }
}

/** NDJSON: one JSON object or array per line; blank lines are skipped; CRLF is fine. */
export async function* parseNdjson(
  chunks: AsyncIterable<Uint8Array>,
  limits: JsonLimits = {},
): AsyncGenerator<ValueBatch, void, undefined> {
  const targetBytes = Math.max(1, Math.floor(limits.targetBytes ?? DEFAULT_TARGET_BYTES));
  const maxRowBytes = maxRowBytesOf(limits.maxRowBytes);
  const input = new WindowReader(chunks, targetBytes);
  const rows = new RowCollector('line');
  let line = 1;
  let want = targetBytes;
  try {
    await input.skipBom();
    const window = input.window;
    for (;;) {
      while (!input.eof && window.end - window.start < want) await input.read();
      const data = window.view();
      const start = window.start;
      let cut = window.end;
      if (!input.eof) {
        // Cut after the first line ending past the target, or else after the last one there is.
        let lf = data.indexOf(LF, Math.min(start + targetBytes, window.end) - 1);
        if (lf < start) lf = data.lastIndexOf(LF);
        if (lf < start) {
          // One line longer than what is buffered: wait for more, up to the bound.
          if (window.end - start > maxRowBytes) throw rowTooLong(line, maxRowBytes, window.end - start);
          want = Math.min(maxRowBytes + 1, 2 * (window.end - start));
          continue;
        }
        cut = lf + 1;
      }
      if (cut === start) return;
      if (cut - start > maxRowBytes) checkLineLengths(data, start, cut, line, maxRowBytes);

      const region = decodeStrict(data, start, cut);
      if (region !== null) {
        const lines = region.split('\n');
        // A region ending in LF splits into a last, empty piece that is not a line.
        if (data[cut - 1] === LF) lines.pop();
        for (const piece of lines) {
          const text = piece.endsWith('\r') ? piece.slice(0, -1) : piece;
          if (text.trim() !== '') rows.add(text, line);
          line++;
        }
      } else {
        // Some line is not UTF-8: go line by line to name it; the others load.
        for (let from = start; from < cut; ) {
          let to = data.indexOf(LF, from);
          if (to < 0 || to >= cut) to = cut;
          const next = to + 1;
          if (to > from && data[to - 1] === CR) to--;
          const text = decodeStrict(data, from, to);
          if (text === null) rows.addInvalidUtf8(data, from, to, line);
          else if (text.trim() !== '') rows.add(text, line);
          line++;
          from = next;
        }
      }
      const sourceStart = window.base + start;
      const sourceEnd = window.base + cut;
      window.start = cut;
      window.compact();
      want = targetBytes;
      if (rows.rows.length > 0) yield rows.take(sourceStart, sourceEnd);
    }
  } finally {
    await input.close();
  }
}

/**
 * A JSON document: a top-level array of objects or arrays, each element one row (read as the bytes
 * arrive, never the whole document at once); a document that is not an array is read as values
 * separated by whitespace.
 */
export async function* parseJson(
  chunks: AsyncIterable<Uint8Array>,
  limits: JsonLimits = {},
): AsyncGenerator<ValueBatch, void, undefined> {
  const targetBytes = Math.max(1, Math.floor(limits.targetBytes ?? DEFAULT_TARGET_BYTES));
  const maxRowBytes = maxRowBytesOf(limits.maxRowBytes);
  const input = new WindowReader(chunks, targetBytes);
  const scanner = new JsonElementScanner();
  const rows = new RowCollector('element');
  let batchStart = -1;
  let batchEnd = 0;
  try {
    await input.skipBom();
    const window = input.window;
    let scanPos = window.start;
    input.onShift = (shift) => {
      scanPos -= shift;
      scanner.shift(shift);
    };
    const sink = (start: number, end: number, line: number) => {
      if (end - start > maxRowBytes) throw rowTooLong(line, maxRowBytes, end - start);
      const text = decodeStrict(window.bytes, start, end);
      if (text === null) rows.addInvalidUtf8(window.bytes, start, end, line);
      else rows.add(text, line);
      if (batchStart < 0) batchStart = window.base + start;
      batchEnd = window.base + end;
    };
    for (;;) {
      if (scanPos < window.end) {
        scanner.scan(window.bytes, scanPos, window.end, sink);
        scanPos = window.end;
      }
      if (input.eof) scanner.finish(window.end, sink);
      // Only the value being scanned still needs its bytes.
      window.start = scanner.valueStart >= 0 ? scanner.valueStart : scanPos;
      if (scanner.valueStart >= 0 && window.end - scanner.valueStart > maxRowBytes) {
        throw rowTooLong(scanner.valueStartLine, maxRowBytes, window.end - scanner.valueStart);
      }
      if (rows.rows.length > 0 && (input.eof || batchEnd - batchStart >= targetBytes)) {
        yield rows.take(batchStart, batchEnd);
        batchStart = -1;
      }
      if (input.eof) return;
      await input.read();
    }
  } finally {
    await input.close();
  }
}

/** A complete line in data[start, cut) longer than the bound fails the load, as a growing one does. */
function checkLineLengths(data: Uint8Array, start: number, cut: number, line: number, max: number): void {
  for (let from = start, on = line; from < cut; on++) {
    let to = data.indexOf(LF, from);
    if (to < 0 || to >= cut) to = cut;
    if (to - from > max) throw rowTooLong(on, max, to - from);
    from = to + 1;
  }
}

/** Parses one row's JSON; it must be an object or an array. */
function parseRow(text: string, line: number, what: 'line' | 'element'): Row {
  let value: unknown;
  try {
    value = parseJsonText(text);
  } catch (error) {
    if (!(error instanceof JsonParseError)) throw error;
    // An element may span lines: name the line and character the error is on.
    const before = text.slice(0, error.offset);
    const newlines = before.split('\n').length - 1;
    const at = `line ${line + newlines}, character ${error.offset - before.lastIndexOf('\n')}`;
    let message: string;
    if (error.kind === 'duplicate-key') {
      message = `${at}: ${error.message} in the ${what}'s object: which one to load is ambiguous`;
    } else if (error.kind === 'escape') {
      // The server's words for the same JSON (jsonb_in, json_populate_record).
      message = `${at}: ${error.message}`;
    } else message = `invalid JSON on ${at}: ${error.message}`;
    throw new BadRowError(message, {
      line,
      value: preview(text),
      ...(error.sqlstate !== undefined ? { sqlstate: error.sqlstate } : {}),
    });
  }
  if (typeof value !== 'object' || value === null || value instanceof JsonNumber) {
    throw new BadRowError(`the JSON ${what} on line ${line} is ${describe(value)}, not an object or array`, {
      line,
      value: preview(text),
    });
  }
  return value as Row;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof JsonNumber) return 'a number';
  return `a ${typeof value}`;
}

/** Pulls chunks into a ByteWindow, reporting when pending bytes move. */
class WindowReader {
  readonly window: ByteWindow;
  eof = false;
  onShift: ((shift: number) => void) | null = null;
  private readonly source: AsyncIterator<Uint8Array>;

  constructor(chunks: AsyncIterable<Uint8Array>, targetBytes: number) {
    this.window = new ByteWindow(targetBytes);
    this.source = chunks[Symbol.asyncIterator]();
  }

  async read(): Promise<void> {
    const next = await this.source.next();
    if (next.done) {
      this.eof = true;
      return;
    }
    const shift = this.window.append(next.value);
    if (shift !== 0) this.onShift?.(shift);
  }

  /** Steps over a UTF-8 byte order mark at the very start. */
  async skipBom(): Promise<void> {
    while (!this.eof && this.window.end < BOM.length) await this.read();
    const { bytes, end } = this.window;
    if (end >= BOM.length && BOM.every((b, k) => bytes[k] === b)) this.window.start = BOM.length;
  }

  async close(): Promise<void> {
    await this.source.return?.();
  }
}
