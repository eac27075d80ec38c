/**
 * One chunk being filled, then cut: the COPY bytes in a pooled buffer behind a CopyData header, each
 * row's end and source line in pooled row tables, the source range and rows covered. The encoder
 * writes rows through `w`; the builder knows nothing of formats.
 */
import { Writer } from '@haul/protocol';
import { beginCopyData, COPY_DATA_HEADER_LENGTH, endCopyData } from '@haul/protocol/copy';
import type { EncodedChunk, MultiLineRows } from './chunk.ts';
import type { ChunkPool, ChunkStorage } from './chunk-pool.ts';

/** The CopyData header at the start of every chunk's buffer. */
const CHUNK_HEADER = COPY_DATA_HEADER_LENGTH;
/** Room past chunkBytes in a chunk's buffer: the row that crosses chunkBytes ends there (no regrowth). */
export const CHUNK_SLACK = 65_536;

export class ChunkBuilder {
  /** The writer rows go into; one for every chunk, only its buffer changes hands. */
  readonly w = new Writer(0);
  /** Rows in the chunk being filled. */
  rows = 0;
  /** Entries in its multi-line table (rows that span lines, raw CSV). */
  private multiRows = 0;
  /** Source rows before the chunk's first row, and the source bytes it covers (start -1: none yet). */
  firstRow = 0;
  sourceStart = -1;
  sourceEnd = 0;
  /** The COPY format of the rows written (the encoder's); the chunk is labelled with it. */
  format: 'binary' | 'text' | 'raw' = 'binary';
  private storage!: ChunkStorage;
  private rowText: string[] = [];
  private seq = 0;

  constructor(
    private readonly pool: ChunkPool,
    private readonly keepText: boolean,
  ) {
    this.start();
  }

  /** COPY bytes in the chunk so far. */
  get bytes(): number {
    return this.w.length - CHUNK_HEADER;
  }

  /** Records the row that ends at the writer's position `end`, from source line `line`. */
  addRow(end: number, line: number, text: string | undefined): void {
    if (this.rows === this.storage.rowEnd.length) this.growTables();
    this.storage.rowEnd[this.rows] = end - CHUNK_HEADER;
    this.storage.rowLine[this.rows] = line;
    if (this.keepText) this.rowText.push(text ?? '');
    this.rows++;
  }

  /** Notes that chunk row `row` spans lines, with `lf` LFs and `cr` CRs inside its quotes (MultiLineRows). */
  addMultiLine(row: number, lf: number, cr: number): void {
    const storage = this.storage;
    if (this.multiRows === storage.multiRow.length) {
      storage.multiRow = grown(storage.multiRow);
      storage.multiLf = grown(storage.multiLf);
      storage.multiCr = grown(storage.multiCr);
    }
    storage.multiRow[this.multiRows] = row;
    storage.multiLf[this.multiRows] = lf;
    storage.multiCr[this.multiRows] = cr;
    this.multiRows++;
  }

  /**
   * The chunk filled so far; the next one starts empty, its first row after `rowsSeen` source rows.
   * `lfEndings`: whether its rows end in a bare LF, for the multi-line rows noted (MultiLineRows).
   */
  cut(lfEndings: boolean, rowsSeen: number): EncodedChunk {
    const w = this.w;
    endCopyData(w, 0);
    const message = w.bytes.subarray(0, w.length);
    const { rowEnd, rowLine, multiRow, multiLf, multiCr } = this.storage;
    const multi = this.multiRows;
    const multiLine: MultiLineRows | null =
      multi === 0
        ? null
        : {
            rows: multiRow.subarray(0, multi),
            lf: multiLf.subarray(0, multi),
            cr: multiCr.subarray(0, multi),
            lfEndings,
          };
    const texts = this.keepText ? this.rowText : null;
    let owned: ChunkStorage | null = this.storage;
    const pool = this.pool;
    const chunk: EncodedChunk = {
      seq: this.seq++,
      format: this.format,
      data: message.subarray(CHUNK_HEADER),
      message,
      rows: this.rows,
      rowEnd: rowEnd.subarray(0, this.rows),
      rowLine: rowLine.subarray(0, this.rows),
      firstRow: this.firstRow,
      sourceStart: Math.max(0, this.sourceStart),
      sourceEnd: this.sourceEnd,
      ...(texts ? { rowText: (i: number) => texts[i] ?? '' } : {}),
      ...(multiLine ? { multiLine } : {}),
      release() {
        if (owned) pool.give(owned);
        owned = null;
      },
    };
    this.rowText = [];
    this.firstRow = rowsSeen;
    this.start();
    return chunk;
  }

  /**
   * Points the writer at pooled storage, its first 5 bytes reserved for a CopyData header: a whole
   * chunk then goes to the socket as one message without being copied. A row larger than the slack
   * makes the writer grow into a buffer of its own (left to the GC); the storage still goes back.
   */
  private start(): void {
    this.storage = this.pool.take();
    const w = this.w;
    w.bytes = this.storage.bytes;
    w.view = new DataView(w.bytes.buffer, w.bytes.byteOffset, w.bytes.byteLength);
    w.length = 0;
    beginCopyData(w);
    this.rows = 0;
    this.multiRows = 0;
    this.sourceStart = -1;
  }

  private growTables(): void {
    this.storage.rowEnd = grown(this.storage.rowEnd);
    this.storage.rowLine = grown(this.storage.rowLine);
  }
}

/** `table` in one twice its size (the pooled storage keeps it). */
function grown<T extends Int32Array | Float64Array>(table: T): T {
  const next = new (table.constructor as new (length: number) => T)(table.length * 2);
  next.set(table);
  return next;
}
