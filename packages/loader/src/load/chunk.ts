/**
 * A unit of work dealt to a shard: encoded COPY rows with what is needed to map errors back to the source.
 *
 * Ownership of a chunk's storage (`data`, `message`, `rowEnd`, `rowLine`, `multiLine`): the encoder
 * takes it from a ChunkPool and the chunk gives it back through `release()`, called exactly where
 * nothing can read it any more:
 * - onError 'abort': when the chunk has left its COPY's RecentChunks (refused-row.ts) AND its socket
 *   write is done. RecentChunks lets a chunk go only once its limit (recentBytesPerShard, at least
 *   MIN_RECENT_BYTES) of later chunks have been written, each write awaited (the COPY pulls its next
 *   frame only then); a socket adapter holds at most its high-water mark of unsent bytes (256 KiB by
 *   default, below MIN_RECENT_BYTES), oldest first, so the chunk has left it. At the COPY's end (CommandComplete: the server read everything)
 *   the chunks still kept go back too.
 * - onError 'reject': when its COPYs under the savepoint are over (copyChunkWithRejects returned).
 * A chunk that never gets there (a failed load) is left to the GC. After `release()` the chunk's
 * storage belongs to another chunk: nothing may keep `data`, `message` or the row tables past it (a
 * CopyRowMap reads them when it records the chunk and keeps none of them).
 */

export interface EncodedChunk {
  /** 0-based, in source order. */
  readonly seq: number;
  /** The COPY format of `data`; a mixed load deals a chunk only to a shard whose COPY has it. */
  readonly format?: 'binary' | 'text' | 'raw';
  /** COPY rows back to back: binary tuples (no PGCOPY header or trailer) or text-format lines. */
  readonly data: Uint8Array;
  /** `data` framed as one CopyData message (the same bytes, with the header before them). */
  readonly message?: Uint8Array;
  readonly rows: number;
  /** End offset in `data` of each row: row i is data[i ? rowEnd[i - 1] : 0, rowEnd[i]). */
  readonly rowEnd: Int32Array;
  /** 1-based source line of each row. */
  readonly rowLine: Float64Array;
  /** Source rows before this chunk's first row (header excluded, rejected rows included). */
  readonly firstRow: number;
  /** Decompressed source bytes covered, [start, end). */
  readonly sourceStart: number;
  readonly sourceEnd: number;
  /** Original text of row i, when the encoder kept it (onError 'reject'). */
  rowText?(i: number): string;
  /** Raw CSV chunks with rows that span lines: what the server's line count needs (see CopyRowMap). */
  readonly multiLine?: MultiLineRows;
  /** Gives the chunk's buffer back to its pool (see the rule above); later calls do nothing. */
  release?(): void;
}

/**
 * The rows of a raw CSV chunk that span several lines, with the line breaks inside their quoted
 * fields. PostgreSQL's "line N" counts those too, but only LFs when the COPY's rows end in LF and
 * its line ending is known (from its first row on), else only CRs: so both counts are kept.
 */
export interface MultiLineRows {
  /** Chunk row indexes, ascending. */
  readonly rows: Int32Array;
  /** LFs and CRs inside quotes, per entry of `rows`. */
  readonly lf: Int32Array;
  readonly cr: Int32Array;
  /** The chunk's rows end in a bare LF. */
  readonly lfEndings: boolean;
}
