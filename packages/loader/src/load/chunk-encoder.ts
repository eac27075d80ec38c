/**
 * Row batches → EncodedChunks of COPY rows, cut at about `chunkBytes` and never across a batch
 * boundary (batches mode commits whole batches). Text fields go straight from their CSV bytes into
 * binary values through the column's converter; JS values through the protocol's binary codecs. A row
 * that cannot be encoded is rolled back out of the chunk and reported with its source line, column
 * and value, before anything of it is sent.
 */
import { type BinaryCodec, builtinTypes, Writer } from '@haul/protocol';
import { beginCopyData, COPY_DATA_HEADER_LENGTH, endCopyData } from '@haul/protocol/copy';
import type { FromText as FieldConverter } from '@haul/protocol/types';
import type { BadRowError } from '../errors.ts';
import type { KeyIndex } from '../schema/key-mapping.ts';
import type { TargetColumn } from '../schema/target.ts';
import type { DelimitedDialect } from '../source/dialect.ts';
import { FIELD_ESCAPED, FIELD_NULL, type FieldBatch } from '../source/field-batch.ts';
import type { RowBatch, ValueBatch } from '../source/row-reader.ts';
import {
  asBadRow,
  checkNotNull,
  fieldError,
  rawRowText,
  safeJson,
  widthError,
  withoutStacks,
} from './bad-row.ts';
import { BufferPool } from './buffer-pool.ts';
import type { EncodedChunk } from './chunk.ts';
import { isJsonColumn, jsonFieldText, loneSurrogateError } from './json-field-text.ts';
import { MultiLineNotes, RawRowWriter } from './raw-rows.ts';
import { writeTextField, writeTextString, writeTextValue } from './text-format.ts';
import { rowValues } from './value-row.ts';

export interface EncodePlan {
  /** 'raw': text rows go through as they are (raw-rows.ts); 'text': re-encoded in COPY text format. */
  format: 'binary' | 'text' | 'raw';
  /** The COPY column list, in order. */
  columns: readonly TargetColumn[];
  /** Source field index feeding each column (positional and CSV rows). */
  fieldIndex: readonly number[];
  /** Object rows: which column each key fills, row by row; null for positional and CSV rows. */
  keyIndex: KeyIndex | null;
  /** Fields every text row must have. */
  width: number;
  /** Binary format: one converter per column. */
  converters: readonly FieldConverter[];
  /** Raw format: the source's dialect (CSV, or COPY text for TSV). */
  rawDialect?: DelimitedDialect | null;
  /** Keep each row's text for a rejects file. */
  keepText: boolean;
  chunkBytes: number;
  /** Batches mode: chunks never span a multiple of this many source rows. */
  batchRows: number | null;
}

/** Returns the unescaped bytes of a FIELD_ESCAPED field. */
export type Unescape = (batch: FieldBatch, field: number) => Uint8Array;

/** What happens to a row that cannot be encoded: throw (abort) or note it and go on (reject). */
export type BadRowHandler = (error: BadRowError, text: string) => void;

/** The CopyData header at the start of every chunk's buffer. */
const CHUNK_HEADER = COPY_DATA_HEADER_LENGTH;
/** Room past chunkBytes in a chunk's buffer: the row that crosses chunkBytes ends there (no regrowth). */
export const CHUNK_SLACK = 65_536;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

export class ChunkEncoder {
  private readonly w: Writer;
  private rowEnd: number[] = [];
  private rowLine: number[] = [];
  private rowText: string[] = [];
  /** Raw CSV: this chunk's rows that span lines, noted for the server's line count; else null. */
  private readonly multiLine: MultiLineNotes | null;
  private seq = 0;
  /** Source rows seen (header excluded), rejected ones included. */
  private rowsSeen = 0;
  private chunkFirstRow = 0;
  private chunkSourceStart = -1;
  private chunkSourceEnd = 0;
  private scratch = new Uint8Array(256);
  private readonly codecs: (BinaryCodec | undefined)[];
  private readonly raw: RawRowWriter;

  constructor(
    private readonly plan: EncodePlan,
    private readonly unescapeBytes: Unescape,
    private readonly onBadRow: BadRowHandler,
    /** Where chunk buffers come from and go back to (chunk.ts); the default one keeps a few. */
    readonly pool: BufferPool = new BufferPool(plan.chunkBytes + CHUNK_SLACK, 8),
  ) {
    this.w = new Writer(0);
    this.startChunk();
    const csv = plan.format === 'raw' && plan.rawDialect?.kind === 'csv';
    this.raw = new RawRowWriter(csv);
    this.multiLine = csv ? new MultiLineNotes(plan.rawDialect!.quote, plan.rawDialect!.escape) : null;
    this.codecs = plan.columns.map(
      // A domain's OID is not built in: its base type's typname (quoted: exact, no SQL alias) is.
      (column) => builtinTypes.codec(column.typeOid) ?? builtinTypes.codec(`"${column.baseTypeName}"`),
    );
  }

  /** Source rows consumed so far. */
  get rows(): number {
    return this.rowsSeen;
  }

  /** Encodes one batch; yields each chunk as it fills. Rows of skipped batches are counted, not encoded. */
  *encode(batch: RowBatch, skip?: (row: number) => boolean): Generator<EncodedChunk> {
    const rows =
      batch.kind === 'fields' ? this.encodeFields(batch.batch, skip) : this.encodeValues(batch.batch, skip);
    yield* this.plan.keepText ? withoutStacks(rows) : rows;
  }

  /** The last, partly filled chunk, if any. */
  finish(): EncodedChunk | null {
    this.raw.flush(this.w);
    return this.rowEnd.length > 0 ? this.cut() : null;
  }

  private *encodeFields(batch: FieldBatch, skip?: (row: number) => boolean): Generator<EncodedChunk> {
    const { rowField, rowStart } = batch;
    for (let r = 0; r < batch.rowCount; r++) {
      const rowSourceStart = batch.sourceOffset + rowStart[r]! - rowStart[0]!;
      const rowSourceEnd = batch.sourceOffset + rowStart[r + 1]! - rowStart[0]!;
      const row = this.rowsSeen++;
      if (skip?.(row)) {
        const cut = this.boundary(row + 1);
        if (cut) yield cut;
        continue;
      }
      if (this.chunkSourceStart < 0) this.chunkSourceStart = rowSourceStart;
      this.chunkSourceEnd = rowSourceEnd;
      const line = batch.rowLine[r]!;
      const width = rowField[r + 1]! - rowField[r]!;
      if (
        this.plan.format === 'raw' &&
        width === this.plan.width &&
        !this.plan.keepText &&
        this.raw.isClean(batch.bytes, rowStart[r]!, rowStart[r + 1]!) &&
        this.nullsAllowed(batch, rowField[r]!)
      ) {
        this.rowEnd.push(this.raw.addToRun(this.w, batch.bytes, rowStart[r]!, rowStart[r + 1]!));
        this.rowLine.push(line);
        if (this.multiLine && batch.rowLine[r + 1]! - line > 1) this.noteLines(batch, r);
        const cut = this.boundary(row + 1);
        if (cut) yield cut;
        continue;
      }
      this.raw.flush(this.w);
      const mark = this.w.length;
      try {
        if (width !== this.plan.width) throw widthError(this.plan, line, width, 'fields');
        if (this.plan.format === 'binary') this.binaryFieldRow(batch, rowField[r]!, line);
        else if (this.plan.format === 'raw') this.rawFieldRow(batch, r, line);
        else this.textFieldRow(batch, rowField[r]!, line);
      } catch (error) {
        this.w.truncate(mark);
        this.onBadRow(asBadRow(error, line), rawRowText(batch, r));
        const cut = this.boundary(row + 1);
        if (cut) yield cut;
        continue;
      }
      this.rowEnd.push(this.w.length);
      this.rowLine.push(line);
      if (this.multiLine && batch.rowLine[r + 1]! - line > 1) this.noteLines(batch, r);
      if (this.plan.keepText) this.rowText.push(rawRowText(batch, r));
      const cut = this.boundary(row + 1);
      if (cut) yield cut;
    }
    // The parser reuses the batch's bytes for the next one.
    this.raw.flush(this.w);
  }

  private *encodeValues(batch: ValueBatch, skip?: (row: number) => boolean): Generator<EncodedChunk> {
    if (this.chunkSourceStart < 0) this.chunkSourceStart = batch.sourceStart;
    this.chunkSourceEnd = batch.sourceEnd;
    for (let r = 0; r < batch.rows.length; r++) {
      const row = this.rowsSeen++;
      if (skip?.(row)) {
        const cut = this.boundary(row + 1);
        if (cut) yield cut;
        continue;
      }
      const values = batch.rows[r]!;
      const line = batch.rowLine[r]!;
      const mark = this.w.length;
      try {
        const unreadable = batch.rowError?.get(r);
        if (unreadable) throw unreadable;
        this.valueRow(values, line, batch.fromJson === true);
      } catch (error) {
        this.w.truncate(mark);
        this.onBadRow(asBadRow(error, line), batch.rowText?.[r] ?? safeJson(values));
        const cut = this.boundary(row + 1);
        if (cut) yield cut;
        continue;
      }
      this.rowEnd.push(this.w.length);
      this.rowLine.push(line);
      if (this.plan.keepText) this.rowText.push(batch.rowText?.[r] ?? safeJson(values));
      const cut = this.boundary(row + 1);
      if (cut) yield cut;
    }
  }

  /** The chunk to cut after `rowsDone` source rows, when it is full or they close a batch. */
  private boundary(rowsDone: number): EncodedChunk | null {
    const batchRows = this.plan.batchRows;
    const batchEnd = batchRows !== null && rowsDone % batchRows === 0;
    if (!batchEnd && this.w.length + this.raw.pending - CHUNK_HEADER < this.plan.chunkBytes) return null;
    this.raw.flush(this.w);
    const chunk = this.rowEnd.length > 0 ? this.cut() : null;
    this.chunkFirstRow = rowsDone;
    this.chunkSourceStart = -1;
    return chunk;
  }

  /**
   * Points the writer at a pooled buffer for the next chunk, its first 5 bytes reserved for a CopyData
   * header: a whole chunk then goes to the socket as one message without being copied, and its buffer
   * is handed over, not copied. One Writer serves every chunk; only its buffer changes hands.
   */
  private startChunk(): void {
    const w = this.w;
    w.bytes = this.pool.take();
    w.view = new DataView(w.bytes.buffer, w.bytes.byteOffset, w.bytes.byteLength);
    w.length = 0;
    beginCopyData(w);
  }

  private cut(): EncodedChunk {
    const w = this.w;
    endCopyData(w, 0);
    // A row larger than the slack made the writer grow: that buffer is not the pool's size, and
    // give() leaves it to the GC.
    let owned: Uint8Array | null = w.bytes;
    const message = owned.subarray(0, w.length);
    const pool = this.pool;
    this.startChunk();
    // A plain loop: Int32Array.from with a map function calls it through the iterator protocol.
    const ends = this.rowEnd;
    const rowEnd = new Int32Array(ends.length);
    for (let i = 0; i < ends.length; i++) rowEnd[i] = ends[i]! - CHUNK_HEADER;
    const rowLine = new Float64Array(this.rowLine);
    const texts = this.plan.keepText ? this.rowText : null;
    const multiLine = this.multiLine?.take(this.raw.endsInLf) ?? null;
    const chunk: EncodedChunk = {
      seq: this.seq++,
      data: message.subarray(CHUNK_HEADER),
      message,
      rows: rowEnd.length,
      rowEnd,
      rowLine,
      firstRow: this.chunkFirstRow,
      sourceStart: Math.max(0, this.chunkSourceStart),
      sourceEnd: this.chunkSourceEnd,
      ...(texts ? { rowText: (i: number) => texts[i] ?? '' } : {}),
      ...(multiLine ? { multiLine } : {}),
      release() {
        if (owned) pool.give(owned);
        owned = null;
      },
    };
    this.rowEnd = [];
    this.rowLine = [];
    this.rowText = [];
    this.chunkFirstRow = this.rowsSeen;
    this.chunkSourceStart = -1;
    return chunk;
  }

  private binaryFieldRow(batch: FieldBatch, first: number, line: number): void {
    const { columns, fieldIndex, converters } = this.plan;
    const w = this.w;
    w.i16(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const f = first + fieldIndex[c]!;
      const flags = batch.fieldFlags[f]!;
      if (flags & FIELD_NULL) {
        checkNotNull(columns[c]!, line);
        w.i32(-1);
        continue;
      }
      let bytes = batch.bytes;
      let start = batch.fieldStart[f]!;
      let end = batch.fieldEnd[f]!;
      if (flags & FIELD_ESCAPED) {
        bytes = this.unescapeBytes(batch, f);
        start = 0;
        end = bytes.length;
      }
      const at = w.beginValue();
      try {
        converters[c]!.write(w, bytes, start, end);
      } catch (error) {
        throw fieldError(error, line, columns[c]!, textDecoder.decode(bytes.subarray(start, end)));
      }
      w.endValue(at);
    }
  }

  /** Raw CSV: notes the row just added, which spans lines, for the server's line count. */
  private noteLines(batch: FieldBatch, r: number): void {
    this.multiLine!.note(batch.bytes, batch.rowStart[r]!, batch.rowStart[r + 1]!, this.rowEnd.length - 1);
  }

  /** No NULL in a NOT NULL column of the row whose fields start at `first`. */
  private nullsAllowed(batch: FieldBatch, first: number): boolean {
    const columns = this.plan.columns;
    for (let c = 0; c < columns.length; c++) {
      if (columns[c]!.notNull && batch.fieldFlags[first + c]! & FIELD_NULL) return false;
    }
    return true;
  }

  private rawFieldRow(batch: FieldBatch, r: number, line: number): void {
    const columns = this.plan.columns;
    const first = batch.rowField[r]!;
    for (let c = 0; c < columns.length; c++) {
      if (columns[c]!.notNull && batch.fieldFlags[first + c]! & FIELD_NULL) checkNotNull(columns[c]!, line);
    }
    this.raw.write(this.w, batch.bytes, batch.rowStart[r]!, batch.rowStart[r + 1]!);
  }

  private textFieldRow(batch: FieldBatch, first: number, line: number): void {
    const { columns, fieldIndex } = this.plan;
    const w = this.w;
    for (let c = 0; c < columns.length; c++) {
      if (c > 0) w.u8(0x09);
      const f = first + fieldIndex[c]!;
      const flags = batch.fieldFlags[f]!;
      if (flags & FIELD_NULL) {
        checkNotNull(columns[c]!, line);
        w.u8(0x5c).u8(0x4e); // \N
      } else if (flags & FIELD_ESCAPED) {
        const bytes = this.unescapeBytes(batch, f);
        writeTextField(w, bytes, 0, bytes.length);
      } else {
        writeTextField(w, batch.bytes, batch.fieldStart[f]!, batch.fieldEnd[f]!);
      }
    }
    w.u8(0x0a);
  }

  private valueRow(
    row: readonly unknown[] | Readonly<Record<string, unknown>>,
    line: number,
    fromJson: boolean,
  ): void {
    const { columns, format } = this.plan;
    if (this.plan.keyIndex === null && Array.isArray(row) && row.length !== this.plan.width) {
      throw widthError(this.plan, line, row.length, 'values');
    }
    const values = rowValues(row, this.plan, line);
    const w = this.w;
    if (format === 'binary') w.i16(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const value = values[c];
      const column = columns[c]!;
      // Strings parsed from JSON cannot hold one (the parser refuses unpaired escapes).
      if (!fromJson && typeof value === 'string') {
        const lone = loneSurrogateError(value, line, column);
        if (lone) throw lone;
      }
      let text: string | undefined;
      try {
        text = jsonFieldText(value, column, fromJson);
      } catch (error) {
        throw fieldError(error, line, column, String(value));
      }
      if (format === 'text') {
        if (c > 0) w.u8(0x09);
        if (value === null || value === undefined) {
          checkNotNull(column, line);
          w.u8(0x5c).u8(0x4e);
        } else if (text !== undefined) {
          writeTextString(w, text);
        } else {
          writeTextValue(w, value, isJsonColumn(column));
        }
        continue;
      }
      if (value === null || value === undefined) {
        checkNotNull(column, line);
        w.i32(-1);
        continue;
      }
      const at = w.beginValue();
      try {
        if (text !== undefined) this.writeString(c, text);
        else if (typeof value === 'string') this.writeString(c, value);
        else {
          const codec = this.codecs[c];
          if (!codec)
            throw new Error(`a ${typeof value} cannot be written to ${column.formatType}; pass text`);
          codec.encode(w, value);
        }
      } catch (error) {
        throw fieldError(error, line, column, text ?? (typeof value === 'string' ? value : safeJson(value)));
      }
      w.endValue(at);
    }
    if (format === 'text') w.u8(0x0a);
  }

  private writeString(column: number, value: string): void {
    const need = value.length * 3;
    if (this.scratch.length < need) this.scratch = new Uint8Array(Math.max(need, this.scratch.length * 2));
    const scratch = this.scratch;
    let written = 0;
    // Short ASCII (numbers' text, codes, names): a byte loop beats encodeInto's fixed cost per call.
    if (value.length <= 32) {
      for (; written < value.length; written++) {
        const unit = value.charCodeAt(written);
        if (unit >= 0x80) break;
        scratch[written] = unit;
      }
    }
    if (written < value.length) written = textEncoder.encodeInto(value, scratch).written;
    this.plan.converters[column]!.write(this.w, scratch, 0, written);
  }
}
