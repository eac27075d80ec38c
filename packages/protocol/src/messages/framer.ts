/**
 * Streaming framer: bytes in any chunking in, whole backend messages out.
 *
 * Usage: `push(chunk)`, then call `next()` until it returns -1 ("not yet"). After `next()` returns a
 * type byte, the message's body is `bytes[start, end)`, or `body` as a view. LIFETIME: both are valid
 * only until the next call to `next()` or `push()` — `bytes` may be the pushed chunk or the framer's own
 * reassembly buffer.
 *
 * Whole messages inside a chunk are never copied; only a message split across chunks is reassembled.
 * Nothing is allocated per message either: `bytes`/`start`/`end` locate it, and `body` builds a view
 * only for a caller that asks (the pipeline reads its frequent messages straight from `bytes`).
 * A length outside [4, maxMessageSize] is a ProtocolError before anything is allocated for it.
 */
import { ProtocolError } from '../errors.ts';

const HEADER = 5;
const EMPTY = new Uint8Array(0);

export class Framer {
  /** Holds the body of the message last returned by `next()`, at [start, end). */
  bytes: Uint8Array = EMPTY;
  start = 0;
  end = 0;

  private chunk: Uint8Array = EMPTY;
  private pos = 0;
  /** Reassembly buffer for a message split across chunks; `partialLen` bytes of it are filled. */
  private partial: Uint8Array = new Uint8Array(256);
  private partialLen = 0;

  constructor(readonly maxMessageSize: number = 256 * 1024 * 1024) {}

  /** Hands a chunk over; the framer may keep views into it until the messages in it are consumed. */
  push(chunk: Uint8Array): void {
    if (this.pos < this.chunk.length) {
      throw new Error('Framer.push called before the previous chunk was consumed');
    }
    this.chunk = chunk;
    this.pos = 0;
  }

  /** A view of the body of the message last returned by `next()`. */
  get body(): Uint8Array {
    return this.bytes.subarray(this.start, this.end);
  }

  /**
   * The last message's body lies in the pushed chunk (the caller's bytes), not in the framer's own
   * reassembly buffer, which the next message overwrites.
   */
  get inChunk(): boolean {
    return this.bytes === this.chunk;
  }

  /** Bytes buffered but not yet returned as messages. */
  get buffered(): number {
    return this.partialLen + (this.chunk.length - this.pos);
  }

  /** Returns the next message's type byte, or -1 when no whole message is available yet. */
  next(): number {
    if (this.partialLen > 0) return this.nextFromPartial();
    const chunk = this.chunk;
    const pos = this.pos;
    const available = chunk.length - pos;
    if (available >= HEADER) {
      const len = this.checkLength(chunk, pos);
      if (available >= len + 1) {
        this.bytes = chunk;
        this.start = pos + HEADER;
        this.end = pos + 1 + len;
        this.pos = this.end;
        return chunk[pos]!;
      }
    }
    if (available > 0) this.stash(available);
    return -1;
  }

  /** Moves the incomplete tail of the current chunk into the reassembly buffer. */
  private stash(n: number): void {
    this.reserve(n >= HEADER ? this.checkLength(this.chunk, this.pos) + 1 : HEADER);
    this.partial.set(this.chunk.subarray(this.pos, this.pos + n), 0);
    this.partialLen = n;
    this.pos += n;
  }

  private nextFromPartial(): number {
    if (this.partialLen < HEADER) {
      const take = Math.min(HEADER - this.partialLen, this.chunk.length - this.pos);
      this.fill(take);
      if (this.partialLen < HEADER) return -1;
    }
    const total = this.checkLength(this.partial, 0) + 1;
    this.reserve(total);
    this.fill(Math.min(total - this.partialLen, this.chunk.length - this.pos));
    if (this.partialLen < total) return -1;
    this.partialLen = 0;
    this.bytes = this.partial;
    this.start = HEADER;
    this.end = total;
    return this.partial[0]!;
  }

  private fill(n: number): void {
    this.partial.set(this.chunk.subarray(this.pos, this.pos + n), this.partialLen);
    this.partialLen += n;
    this.pos += n;
  }

  private reserve(size: number): void {
    if (size <= this.partial.length) return;
    const next = new Uint8Array(Math.max(size, this.partial.length * 2));
    next.set(this.partial.subarray(0, this.partialLen));
    this.partial = next;
  }

  private checkLength(bytes: Uint8Array, at: number): number {
    const len =
      ((bytes[at + 1]! << 24) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) | bytes[at + 4]!) >>> 0;
    if (len < 4 || len > this.maxMessageSize) {
      const type = bytes[at]!;
      const shown = type >= 0x20 && type < 0x7f ? `'${String.fromCharCode(type)}'` : `0x${type.toString(16)}`;
      throw new ProtocolError(
        `invalid backend message: type ${shown} with length ${len} (allowed 4..${this.maxMessageSize}); ` +
          'the peer is not speaking the PostgreSQL protocol or the stream is corrupt',
      );
    }
    return len;
  }
}
