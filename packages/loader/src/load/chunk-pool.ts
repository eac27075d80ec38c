/**
 * Chunk storage used again instead of allocated per chunk: the COPY bytes and the row tables (row
 * ends, source lines). A fresh buffer per chunk is garbage the moment its chunk is sent, freed only by
 * an old-generation GC (chunks live long enough to be promoted): between two of those, RSS grows by
 * hundreds of MB of dead ArrayBuffers while the live heap stays near 20 MB (M1). The pool keeps the
 * storage its chunks gave back (the ownership rule in chunk.ts) and counts what it allocated, so tests
 * can show the allocations stay flat in the input's size.
 */

/** What one chunk is built in. The row tables grow when a chunk has more rows; bytes never do. */
export interface ChunkStorage {
  readonly bytes: Uint8Array;
  rowEnd: Int32Array;
  rowLine: Float64Array;
  /**
   * Raw CSV rows that span lines (MultiLineRows): row index, LFs and CRs inside quotes, one entry per
   * such row. Pooled with the chunk: a fresh typed array per chunk is an off-heap buffer that, like the
   * chunk's own, only an old-generation GC frees (M1: 3 of them per 256 KiB chunk of the bench's CSV).
   */
  multiRow: Int32Array;
  multiLf: Int32Array;
  multiCr: Int32Array;
}

/** Row-table entries a new storage starts with: a 256 KiB chunk of 64-byte rows. */
const INITIAL_ROWS = 4096;
/** Multi-line entries a new storage starts with: one row in eight of that chunk spanning lines. */
const INITIAL_MULTI = 512;

export class ChunkPool {
  private readonly free: ChunkStorage[] = [];
  /** Storage created because none was free: flat in the input's size when chunks come back. */
  allocated = 0;
  /** Storage handed out again from the free list. */
  reused = 0;

  constructor(
    /** Bytes of every chunk buffer. */
    readonly size: number,
    /** Free storage kept at most: about the chunks in flight at once; more is left to the GC. */
    readonly maxFree: number,
  ) {}

  /** Storage for a chunk; its content is whatever was there (no zero-fill on reuse). */
  take(): ChunkStorage {
    const storage = this.free.pop();
    if (storage) {
      this.reused++;
      return storage;
    }
    this.allocated++;
    return {
      bytes: new Uint8Array(this.size),
      rowEnd: new Int32Array(INITIAL_ROWS),
      rowLine: new Float64Array(INITIAL_ROWS),
      multiRow: new Int32Array(INITIAL_MULTI),
      multiLf: new Int32Array(INITIAL_MULTI),
      multiCr: new Int32Array(INITIAL_MULTI),
    };
  }

  /** Gives `storage` back: its owner must not read or write it again. */
  give(storage: ChunkStorage): void {
    if (this.free.length < this.maxFree) this.free.push(storage);
  }

  get freeCount(): number {
    return this.free.length;
  }
}
