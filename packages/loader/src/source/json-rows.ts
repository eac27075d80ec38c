/**
 * JSON sources as ValueBatches of about targetBytes each: NDJSON (one value per line) and a top-level
 * JSON array streamed element by element. Every row keeps its original text and the line it starts on,
 * so a rejected or failing row can be shown as it was written.
 */
import { BadRowError, preview } from '../errors.ts';
import { ByteWindow } from './byte-window.ts';
import { DEFAULT_TARGET_BYTES } from './csv-parser.ts';
import { JsonElementScanner } from './json-scanner.ts';
import type { ValueBatch } from './row-reader.ts';

export interface JsonLimits {
  /** Source bytes per batch (about); default 2 MiB. */
  targetBytes?: number;
}

type Row = readonly unknown[] | Readonly<Record<string, unknown>>;

const LF = 0x0a;
const BOM = [0xef, 0xbb, 0xbf];

/** NDJSON: one JSON object or array per line; blank lines are skipped; CRLF is fine. */
export async function* parseNdjson(
  chunks: AsyncIterable<Uint8Array>,
  limits: JsonLimits = {},
): AsyncGenerator<ValueBatch, void, undefined> {
  const targetBytes = Math.max(1, Math.floor(limits.targetBytes ?? DEFAULT_TARGET_BYTES));
  const input = new WindowReader(chunks, targetBytes);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
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
          want = 2 * (window.end - start); // one line longer than what is buffered: wait for more
          continue;
        }
        cut = lf + 1;
      }
      if (cut === start) return;

      const rows: Row[] = [];
      const rowLine: number[] = [];
      const rowText: string[] = [];
      const lines = decoder.decode(data.subarray(start, cut)).split('\n');
      // A region ending in LF splits into a last, empty piece that is not a line.
      if (data[cut - 1] === LF) lines.pop();
      for (const piece of lines) {
        const text = piece.endsWith('\r') ? piece.slice(0, -1) : piece;
        if (text.trim() !== '') {
          rows.push(parseRow(text, line, 'line'));
          rowLine.push(line);
          rowText.push(text);
        }
        line++;
      }
      const sourceStart = window.base + start;
      const sourceEnd = window.base + cut;
      window.start = cut;
      window.compact();
      want = targetBytes;
      if (rows.length > 0) yield { rows, rowLine, rowText, sourceStart, sourceEnd };
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
  const input = new WindowReader(chunks, targetBytes);
  const scanner = new JsonElementScanner();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let rows: Row[] = [];
  let rowLine: number[] = [];
  let rowText: string[] = [];
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
      const text = decoder.decode(window.bytes.subarray(start, end));
      rows.push(parseRow(text, line, 'element'));
      rowLine.push(line);
      rowText.push(text);
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
      if (rows.length > 0 && (input.eof || batchEnd - batchStart >= targetBytes)) {
        yield { rows, rowLine, rowText, sourceStart: batchStart, sourceEnd: batchEnd };
        rows = [];
        rowLine = [];
        rowText = [];
        batchStart = -1;
      }
      if (input.eof) return;
      await input.read();
    }
  } finally {
    await input.close();
  }
}

/** Parses one row's JSON; it must be an object or an array. */
function parseRow(text: string, line: number, what: 'line' | 'element'): Row {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BadRowError(`invalid JSON on line ${line}: ${reason}`, { line, value: preview(text) });
  }
  if (typeof value !== 'object' || value === null) {
    throw new BadRowError(
      `the JSON ${what} on line ${line} is ${value === null ? 'null' : `a ${typeof value}`}, not an object or array`,
      { line, value: preview(text) },
    );
  }
  return value as Row;
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
