/**
 * Cuts a partition's COPY output at row boundaries, so several partitions can be interleaved into one
 * stream without splitting a row. The protocol's CopyOut hands out whole CopyData messages (one per
 * row), so in practice every chunk ends on a row and passes through without a copy; the framers still
 * carry a partial row over, so correctness does not hang on how chunks are cut.
 */
import { ProtocolError } from '@haul/protocol';
import { PGCOPY_HEADER_LENGTH, readInt16, readInt32, readPgcopyHeader } from '@haul/protocol/copy';

export interface RowFramer {
  /** The whole rows completed by `chunk` (with any carried part before them), or null if none. */
  push(chunk: Uint8Array): Uint8Array | null;
  /** The input has ended: throws if it stopped inside a row (or, for binary, before its trailer). */
  end(): void;
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;

/**
 * A single partition's output, which nothing is interleaved with: every chunk goes out as it came,
 * with no look at its bytes. Whole rows matter only where partitions meet.
 */
export class PassThroughFramer implements RowFramer {
  push(chunk: Uint8Array): Uint8Array | null {
    return chunk.length === 0 ? null : chunk;
  }

  end(): void {}
}

/** Server CSV output: a row ends at a newline outside double quotes (quotes inside are doubled). */
export class CsvRowFramer implements RowFramer {
  private carry: Uint8Array | null = null;
  /** Whether the input so far ends inside a quoted field. */
  private inQuotes = false;

  push(chunk: Uint8Array): Uint8Array | null {
    if (chunk.length === 0) return null;
    const rowsEnd = this.lastRowEnd(chunk);
    if (!this.carry && rowsEnd === chunk.length) return chunk;
    if (rowsEnd < 0) {
      this.carry = this.carry ? concat(this.carry, chunk) : chunk;
      return null;
    }
    const rows = this.carry ? concat(this.carry, chunk.subarray(0, rowsEnd)) : chunk.subarray(0, rowsEnd);
    this.carry = rowsEnd < chunk.length ? chunk.subarray(rowsEnd) : null;
    return rows;
  }

  end(): void {
    if (this.carry)
      throw new ProtocolError(`CSV COPY output ended inside a row (${this.carry.length} bytes)`);
  }

  /**
   * Position after the last newline outside quotes, or -1; tracks the quote state across the chunk.
   * The quote count alone gives the state at the chunk's end, and past the last quote that state
   * holds, so when the chunk ends on a row (as the server's one-row messages make it, nearly always)
   * the last newline is found looking back from the end, not by scanning every byte for it.
   */
  private lastRowEnd(chunk: Uint8Array): number {
    const startsInQuotes = this.inQuotes;
    let inQuotes = startsInQuotes;
    let lastQuote = -1;
    for (let at = chunk.indexOf(QUOTE); at >= 0; at = chunk.indexOf(QUOTE, at + 1)) {
      inQuotes = !inQuotes;
      lastQuote = at;
    }
    this.inQuotes = inQuotes;
    if (!inQuotes) {
      const newline = chunk.lastIndexOf(NEWLINE);
      if (newline > lastQuote) return newline + 1;
    }
    return lastRowEndBefore(chunk, startsInQuotes, lastQuote);
  }
}

/**
 * Position after the last newline outside quotes that comes before `limit` (the chunk's last quote),
 * or -1, walking the chunk quote by quote from its start in state `inQuotes`.
 */
function lastRowEndBefore(chunk: Uint8Array, inQuotes: boolean, limit: number): number {
  let pos = 0;
  let rowsEnd = -1;
  while (pos <= limit) {
    const quote = chunk.indexOf(QUOTE, pos);
    if (!inQuotes && quote > pos) {
      const newline = chunk.lastIndexOf(NEWLINE, quote - 1);
      if (newline >= pos) rowsEnd = newline + 1;
    }
    inQuotes = !inQuotes;
    pos = quote + 1;
  }
  return rowsEnd;
}

/**
 * Binary COPY output → its tuples only: the PGCOPY header (and extension area) and the trailer are
 * dropped, since the merged stream gets one header and one trailer of its own.
 */
export class BinaryTupleFramer implements RowFramer {
  private state: 'header' | 'tuples' | 'done' = 'header';
  private carry: Uint8Array | null = null;

  constructor(private readonly columnCount: number) {}

  push(chunk: Uint8Array): Uint8Array | null {
    const data = this.carry ? concat(this.carry, chunk) : chunk;
    this.carry = null;
    let pos = 0;
    if (this.state === 'header') {
      const start = this.headerEnd(data);
      if (start < 0) {
        this.carry = data;
        return null;
      }
      pos = start;
      this.state = 'tuples';
    }
    const first = pos;
    let tuplesEnd = pos;
    while (this.state === 'tuples') {
      const end = this.tupleEnd(data, pos);
      if (end < 0) break;
      if (end === pos + 2 && readInt16(data, pos) === -1) this.state = 'done';
      else tuplesEnd = end;
      pos = end;
    }
    if (this.state === 'done' && pos < data.length) {
      throw new ProtocolError(`binary COPY: ${data.length - pos} bytes after the trailer`);
    }
    if (pos < data.length && this.state !== 'done') this.carry = data.subarray(pos);
    return tuplesEnd > first ? data.subarray(first, tuplesEnd) : null;
  }

  end(): void {
    if (this.state !== 'done') throw new ProtocolError('binary COPY output ended before its trailer');
  }

  /** Where the tuples start, or -1 if the header is not complete yet. */
  private headerEnd(data: Uint8Array): number {
    if (data.length < PGCOPY_HEADER_LENGTH) return -1;
    const end = PGCOPY_HEADER_LENGTH + readPgcopyHeader(data);
    return data.length < end ? -1 : end;
  }

  /** End of the tuple (or the 2-byte trailer) at `pos`, or -1 if it is not all in `data`. */
  private tupleEnd(data: Uint8Array, pos: number): number {
    if (data.length - pos < 2) return -1;
    const count = readInt16(data, pos);
    if (count === -1) return pos + 2;
    if (count !== this.columnCount) {
      throw new ProtocolError(`binary COPY: a row has ${count} fields, expected ${this.columnCount}`);
    }
    let at = pos + 2;
    for (let i = 0; i < count; i++) {
      if (data.length - at < 4) return -1;
      const length = readInt32(data, at);
      at += 4;
      if (length > 0) {
        if (data.length - at < length) return -1;
        at += length;
      } else if (length < -1) {
        throw new ProtocolError(`binary COPY: a field has length ${length}`);
      }
    }
    return at;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
