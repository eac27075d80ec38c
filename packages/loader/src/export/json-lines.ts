/**
 * NDJSON from the server's JSON: a binary COPY of one text column (each row's row_to_json) becomes
 * `json\n` lines, rewritten where the tuples lie. Each tuple's 6-byte head (field count, length)
 * gives way to the line's 1-byte newline, so the lines always fit in the bytes the tuples held, and
 * no row costs an allocation: one pass over the tuples, one memmove per row.
 *
 * The bytes rewritten are the framer's own: CopyOut hands each chunk over to its reader, and the
 * tuples are a view of that chunk (or a copy joining two), read by nothing else once pushed here.
 */
import { readInt32 } from '@haul/protocol/copy';
import { BinaryTupleFramer, type RowFramer } from './row-framing.ts';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const TUPLE_HEAD = 6;
const NULL_JSON = new TextEncoder().encode('null');

/**
 * Raw CR/LF bytes can only be insignificant whitespace (JSON strings escape them), coming from json
 * values embedded verbatim by row_to_json, so they become spaces to keep one row per line.
 */
export class JsonLineFramer implements RowFramer {
  private readonly tuples = new BinaryTupleFramer(1);

  push(chunk: Uint8Array): Uint8Array | null {
    const tuples = this.tuples.push(chunk);
    return tuples ? tuplesToLines(tuples) : null;
  }

  end(): void {
    this.tuples.end();
  }
}

/**
 * Whole one-field tuples → `value\n` lines, in place; returns the view of `tuples` the lines fill.
 * Raw line breaks are found by one indexOf per break over the whole run (not per row), blanked in
 * place before their row moves; hits inside a tuple's head (a length byte of 10 or 13) are skipped.
 */
export function tuplesToLines(tuples: Uint8Array): Uint8Array {
  let newline = tuples.indexOf(NEWLINE);
  let carriageReturn = tuples.indexOf(CARRIAGE_RETURN);
  let written = 0;
  for (let at = 0; at < tuples.length; ) {
    const length = readInt32(tuples, at + 2);
    at += TUPLE_HEAD;
    if (length < 0) {
      // Fits: 4 bytes of `null` and the newline where 6 bytes of head were.
      tuples.set(NULL_JSON, written);
      written += NULL_JSON.length;
    } else {
      const end = at + length;
      while (newline >= 0 && newline < end) {
        if (newline >= at) tuples[newline] = SPACE;
        newline = tuples.indexOf(NEWLINE, newline + 1);
      }
      while (carriageReturn >= 0 && carriageReturn < end) {
        if (carriageReturn >= at) tuples[carriageReturn] = SPACE;
        carriageReturn = tuples.indexOf(CARRIAGE_RETURN, carriageReturn + 1);
      }
      tuples.copyWithin(written, at, end);
      written += length;
      at = end;
    }
    tuples[written++] = NEWLINE;
  }
  return tuples.subarray(0, written);
}
