/**
 * Finds where each element of a top-level JSON array begins and ends without parsing it: a byte-level
 * scanner that knows only brackets, strings and their escapes, so a 10 GB array streams through in
 * constant memory and each element is JSON.parse'd on its own. A document that is not an array is read
 * as a sequence of values separated by whitespace (one object, or NDJSON under a .json name).
 * Resumable: it keeps its state between calls as more bytes arrive.
 */
import { BadRowError } from '../errors.ts';

const LF = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_SQUARE = 0x5b;
const CLOSE_SQUARE = 0x5d;
const OPEN_CURLY = 0x7b;
const CLOSE_CURLY = 0x7d;

/** Where the scanner is in the document. */
const Phase = {
  Start: 0,
  /** After `[`: a value or `]`. */
  FirstElement: 1,
  /** After `,`: a value. */
  NextElement: 2,
  /** After a value: `,` or `]`. */
  AfterElement: 3,
  /** Inside a value. */
  Value: 4,
  /** Top level is a sequence of values: whitespace or the next value. */
  BetweenValues: 5,
  /** After the closing `]`: only whitespace. */
  End: 6,
} as const;
type Phase = (typeof Phase)[keyof typeof Phase];

/** Receives each complete element: its bytes [start, end) and the line it starts on. */
export type ElementSink = (start: number, end: number, line: number) => void;

export class JsonElementScanner {
  /** The current line (1-based). */
  line = 1;
  /** Start of the value being scanned, or -1 between values. Moves with the buffer (see shift). */
  valueStart = -1;
  private phase: Phase = Phase.Start;
  private valueLine = 0;
  private depth = 0;
  private inString = false;
  private escapeNext = false;
  /** The top level is a sequence of values rather than an array. */
  private topLevelSequence = false;

  /** The line the value being scanned starts on (meaningful while valueStart >= 0). */
  get valueStartLine(): number {
    return this.valueLine;
  }

  /** The buffer dropped `by` bytes before the pending value. */
  shift(by: number): void {
    if (this.valueStart >= 0) this.valueStart -= by;
  }

  /** Scans data[from, end); calls `sink` for each complete element. */
  scan(data: Uint8Array, from: number, end: number, sink: ElementSink): void {
    let i = from;
    while (i < end) {
      const b = data[i]!;
      if (this.phase === Phase.Value) {
        if (this.inString) {
          if (this.escapeNext) this.escapeNext = false;
          else if (b === BACKSLASH) this.escapeNext = true;
          else if (b === QUOTE) {
            this.inString = false;
            if (this.depth === 0) this.complete(i + 1, sink);
          } else if (b === LF) this.line++;
          i++;
          continue;
        }
        if (b === QUOTE) this.inString = true;
        else if (b === OPEN_CURLY || b === OPEN_SQUARE) this.depth++;
        else if (b === CLOSE_CURLY || b === CLOSE_SQUARE) {
          if (this.depth === 0) {
            this.complete(i, sink); // a bare scalar ended by the array's `]`
            continue;
          }
          this.depth--;
          if (this.depth === 0) this.complete(i + 1, sink);
        } else if (this.depth === 0 && (b === COMMA || isSpace(b))) {
          this.complete(i, sink); // the end of a bare scalar (number, true, null)
          continue;
        } else if (b === LF) this.line++;
        i++;
        continue;
      }

      if (b === LF) this.line++;
      if (isSpace(b)) {
        i++;
        continue;
      }
      switch (this.phase) {
        case Phase.Start:
          if (b === OPEN_SQUARE) {
            this.phase = Phase.FirstElement;
            i++;
          } else {
            this.phase = Phase.BetweenValues;
          }
          continue;
        case Phase.FirstElement:
          if (b === CLOSE_SQUARE) {
            this.phase = Phase.End;
            i++;
            continue;
          }
          break;
        case Phase.NextElement:
          if (b === CLOSE_SQUARE) throw this.error('a trailing comma before the closing bracket');
          break;
        case Phase.AfterElement:
          if (b === COMMA) this.phase = Phase.NextElement;
          else if (b === CLOSE_SQUARE) this.phase = Phase.End;
          else throw this.error(`expected ',' or ']' after an array element, found ${show(b)}`);
          i++;
          continue;
        case Phase.End:
          throw this.error(`unexpected ${show(b)} after the end of the JSON array`);
        default:
          break;
      }
      // The first byte of a value.
      this.valueStart = i;
      this.valueLine = this.line;
      this.depth = b === OPEN_CURLY || b === OPEN_SQUARE ? 1 : 0;
      this.inString = b === QUOTE;
      this.escapeNext = false;
      this.topLevelSequence = this.phase === Phase.BetweenValues;
      this.phase = Phase.Value;
      i++;
    }
  }

  /** At the end of the input: completes a trailing bare scalar; throws if the document is unfinished. */
  finish(end: number, sink: ElementSink): void {
    if (this.phase === Phase.Value) {
      if (this.inString || this.depth > 0) {
        throw new BadRowError(`unterminated JSON value starting on line ${this.valueLine}`, {
          line: this.valueLine,
        });
      }
      this.complete(end, sink);
    }
    if (
      this.phase === Phase.FirstElement ||
      this.phase === Phase.NextElement ||
      this.phase === Phase.AfterElement
    ) {
      throw this.error("unterminated JSON array: no closing ']'");
    }
  }

  private complete(end: number, sink: ElementSink): void {
    const start = this.valueStart;
    this.valueStart = -1;
    this.phase = this.topLevelSequence ? Phase.BetweenValues : Phase.AfterElement;
    sink(start, end, this.valueLine);
  }

  private error(what: string): BadRowError {
    return new BadRowError(`invalid JSON on line ${this.line}: ${what}`, { line: this.line });
  }
}

/** JSON's whitespace. */
function isSpace(b: number): boolean {
  return b === 0x20 || b === LF || b === 0x0d || b === 0x09;
}

function show(b: number): string {
  return b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16)}`;
}
