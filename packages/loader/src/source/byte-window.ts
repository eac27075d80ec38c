/**
 * The bytes a streaming parser has received but not yet handed out: one buffer, reused and grown, that
 * incoming chunks are appended to. A large chunk arriving when nothing is pending is adopted as is
 * instead of copied (a whole file given as one Uint8Array is parsed in place). An adopted chunk is
 * kept only until the next append, which copies its pending bytes into the owned buffer first: a
 * source's lent chunk (byte-source.ts) is never read after the chunk following it arrives.
 */

const MIN_CAPACITY = 64 * 1024;
/** The buffer starts no larger than this, whatever the batch target; it grows when a batch needs it. */
const MAX_INITIAL_CAPACITY = 16 * 1024 * 1024;
/** Offsets into the buffer are int32 (FieldBatch spans). */
const MAX_CAPACITY = 0x7fffffff;

export class ByteWindow {
  /** The current buffer: owned, or an adopted chunk (never written to). Valid bytes are [0, end). */
  bytes: Uint8Array;
  /** First byte not yet handed out. */
  start = 0;
  end = 0;
  /** Absolute offset in the whole stream of bytes[0]. */
  base = 0;
  private owned: Uint8Array;
  private received = 0;

  constructor(
    /** Bytes a batch is meant to hold; the buffer starts at about twice that (at most 16 MiB). */
    private readonly targetBytes: number,
  ) {
    this.owned = new Uint8Array(
      Math.min(MAX_INITIAL_CAPACITY, Math.max(MIN_CAPACITY, targetBytes * 2 + MIN_CAPACITY)),
    );
    this.bytes = this.owned;
  }

  /** The valid bytes as a view whose length is `end` (so indexOf stops there). */
  view(): Uint8Array {
    return this.bytes.length === this.end ? this.bytes : this.bytes.subarray(0, this.end);
  }

  /**
   * Appends a chunk. When the pending bytes had to move, returns by how much their indices dropped
   * (positions the caller holds into `bytes` must be reduced by it); else 0.
   */
  append(chunk: Uint8Array): number {
    const n = chunk.length;
    if (n === 0) return 0;
    this.received += n;
    if (this.start === this.end && n >= this.targetBytes && n >= MIN_CAPACITY) {
      const shift = this.start;
      this.bytes = chunk;
      this.base = this.received - n;
      this.start = 0;
      this.end = n;
      return shift;
    }
    if (this.bytes === this.owned && this.end + n <= this.owned.length) {
      this.owned.set(chunk, this.end);
      this.end += n;
      return 0;
    }
    const shift = this.moveToFront(n);
    this.owned.set(chunk, this.end);
    this.end += n;
    return shift;
  }

  /** Drops the bytes before `start` (between batches, when nothing points into them). Returns the shift. */
  compact(): number {
    if (this.start === 0) return 0;
    if (this.bytes !== this.owned && this.start < this.end) return 0; // an adopted chunk is read in place
    return this.moveToFront(0);
  }

  /** Moves [start, end) to the front of the owned buffer, grown to fit `extra` more bytes. */
  private moveToFront(extra: number): number {
    const pending = this.end - this.start;
    const needed = pending + extra;
    if (this.owned.length < needed) {
      if (needed > MAX_CAPACITY) {
        throw new RangeError(
          'a row (or a batch target) over 2 GiB: the input cannot be split into rows that small',
        );
      }
      const grown = new Uint8Array(Math.min(MAX_CAPACITY, Math.max(needed, this.owned.length * 2)));
      grown.set(this.bytes.subarray(this.start, this.end));
      this.owned = grown;
    } else if (this.bytes === this.owned) {
      this.owned.copyWithin(0, this.start, this.end);
    } else {
      this.owned.set(this.bytes.subarray(this.start, this.end));
    }
    const shift = this.start;
    this.base += shift;
    this.bytes = this.owned;
    this.start = 0;
    this.end = pending;
    return shift;
  }
}
