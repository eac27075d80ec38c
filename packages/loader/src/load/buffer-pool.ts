/**
 * Chunk buffers used again instead of allocated per chunk. A fresh buffer per chunk is garbage the
 * moment its chunk is sent, freed only by an old-generation GC: between two of those, RSS grows by
 * hundreds of MB of dead ArrayBuffers while the live heap stays near 20 MB (M1). The pool keeps
 * buffers its chunks gave back (see the ownership rule in chunk.ts) and counts what it allocated, so
 * tests can show the allocations stay flat in the input's size.
 */

export class BufferPool {
  private readonly free: Uint8Array[] = [];
  /** Buffers created because none was free: flat in the input's size when chunks come back. */
  allocated = 0;
  /** Buffers handed out again from the free list. */
  reused = 0;

  constructor(
    /** Every buffer's size; a buffer of another size (a Writer that grew) is not taken back. */
    readonly size: number,
    /** Free buffers kept at most: about the chunks in flight at once; more are left to the GC. */
    readonly maxFree: number,
  ) {}

  /** A buffer of `size` bytes; its content is whatever was there (no zero-fill on reuse). */
  take(): Uint8Array {
    const buffer = this.free.pop();
    if (buffer) {
      this.reused++;
      return buffer;
    }
    this.allocated++;
    return new Uint8Array(this.size);
  }

  /** Gives `buffer` back: its owner must not read or write it again. */
  give(buffer: Uint8Array): void {
    if (buffer.byteLength !== this.size || buffer.byteOffset !== 0) return;
    if (buffer.buffer.byteLength !== this.size || this.free.length >= this.maxFree) return;
    this.free.push(buffer);
  }

  get freeCount(): number {
    return this.free.length;
  }
}
