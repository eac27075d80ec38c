/**
 * Row batches → EncodedChunks of COPY rows, cut at about `chunkBytes` and never across a batch
 * boundary (batches mode commits whole batches). Text fields go straight from their CSV bytes into
 * binary values through the column's converter; JS values through the protocol's binary codecs. A row
 * that cannot be encoded is rolled back out of the chunk and reported with its source line, column
 * and value, before anything of it is sent.
 */
import type { Writer } from '@haul/protocol';
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
import type { EncodedChunk } from './chunk.ts';
import { CHUNK_SLACK, ChunkBuilder } from './chunk-builder.ts';
import { ChunkPool } from './chunk-pool.ts';
import { MultiLineNotes, RawRowWriter } from './raw-rows.ts';
import { writeTextField } from './text-format.ts';
import { ValueRowWriter } from './value-row-writer.ts';

export interface EncodePlan {
  /**
   * 'raw': text rows go through as they are (raw-rows.ts); 'text': re-encoded in COPY text format;
   * 'mixed': each batch raw or binary, as `encode` is told (the dealer's choice, see dealer.ts).
   */
  format: 'binary' | 'text' | 'raw' | 'mixed';
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

const textDecoder = new TextDecoder();

/** Whether a source row is skipped (its batch committed in an earlier run); delimited rows give their bytes. */
export type SkipRow = (row: number, sourceStart?: number, sourceEnd?: number) => boolean;

export class ChunkEncoder {
  /** The chunk being filled; its writer is `w`. */
  private readonly chunk: ChunkBuilder;
  private readonly w: Writer;
  /** Raw CSV: this chunk's rows that span lines, noted for the server's line count; else null. */
  private readonly multiLine: MultiLineNotes | null;
  /** Source rows seen (header excluded), rejected ones included. */
  private rowsSeen = 0;
  private readonly values: ValueRowWriter;
  private readonly raw: RawRowWriter;
  /** The format of the chunk being filled: the plan's, or in a mixed load the current batch's. */
  private format: 'binary' | 'text' | 'raw';

  constructor(
    private readonly plan: EncodePlan,
    private readonly unescapeBytes: Unescape,
    private readonly onBadRow: BadRowHandler,
    /** Where chunk storage comes from and goes back to (chunk.ts); the default one keeps a few. */
    readonly pool: ChunkPool = new ChunkPool(plan.chunkBytes + CHUNK_SLACK, 8),
  ) {
    this.chunk = new ChunkBuilder(pool, plan.keepText);
    this.w = this.chunk.w;
    const rawAtAll = plan.format === 'raw' || plan.format === 'mixed';
    this.format = plan.format === 'mixed' ? 'binary' : plan.format;
    this.chunk.format = this.format;
    const csv = rawAtAll && plan.rawDialect?.kind === 'csv';
    this.raw = new RawRowWriter(csv);
    this.multiLine = csv ? new MultiLineNotes(plan.rawDialect!.quote, plan.rawDialect!.escape) : null;
    this.values = new ValueRowWriter(plan);
  }

  /** Source rows consumed so far. */
  get rows(): number {
    return this.rowsSeen;
  }

  /**
   * Encodes one batch; yields each chunk as it fills. Rows of skipped batches are counted, not encoded.
   * A mixed load says which format the batch goes in (a batch found without its fields is raw); a
   * chunk holds one format, so a change cuts the chunk being filled.
   */
  *encode(batch: RowBatch, skip?: SkipRow, format?: 'binary' | 'raw'): Generator<EncodedChunk> {
    if (this.plan.format === 'mixed') {
      const rowsOnly = batch.kind === 'fields' && batch.batch.rowsOnly === true;
      const wanted = rowsOnly ? 'raw' : (format ?? this.format);
      if (wanted !== this.format) {
        if (wanted === 'raw' && batch.kind !== 'fields')
          throw new TypeError('raw rows need a CSV/TSV source');
        this.raw.flush(this.w);
        if (this.chunk.rows > 0) yield this.cut();
        this.format = wanted;
        this.chunk.format = wanted;
      }
    }
    const rows =
      batch.kind === 'fields' ? this.encodeFields(batch.batch, skip) : this.encodeValues(batch.batch, skip);
    yield* this.plan.keepText ? withoutStacks(rows) : rows;
  }

  /** The last, partly filled chunk, if any. */
  finish(): EncodedChunk | null {
    this.raw.flush(this.w);
    return this.chunk.rows > 0 ? this.cut() : null;
  }

  private *encodeFields(batch: FieldBatch, skip?: SkipRow): Generator<EncodedChunk> {
    const { rowField, rowStart } = batch;
    // Rows found without their fields go to the server as they are, which counts and checks them.
    const rowsOnly = batch.rowsOnly === true;
    if (rowsOnly && this.format !== 'raw') throw new TypeError('rows without fields need the raw format');
    for (let r = 0; r < batch.rowCount; r++) {
      const rowSourceStart = batch.sourceOffset + rowStart[r]! - rowStart[0]!;
      const rowSourceEnd = batch.sourceOffset + rowStart[r + 1]! - rowStart[0]!;
      const row = this.rowsSeen++;
      if (skip?.(row, rowSourceStart, rowSourceEnd)) {
        const cut = this.boundary(row + 1);
        if (cut) yield cut;
        continue;
      }
      if (this.chunk.sourceStart < 0) this.chunk.sourceStart = rowSourceStart;
      this.chunk.sourceEnd = rowSourceEnd;
      const line = batch.rowLine[r]!;
      const width = rowsOnly ? this.plan.width : rowField[r + 1]! - rowField[r]!;
      if (
        this.format === 'raw' &&
        width === this.plan.width &&
        !this.plan.keepText &&
        this.raw.isClean(batch.bytes, rowStart[r]!, rowStart[r + 1]!) &&
        (rowsOnly || this.nullsAllowed(batch, rowField[r]!))
      ) {
        this.chunk.addRow(
          this.raw.addToRun(this.w, batch.bytes, rowStart[r]!, rowStart[r + 1]!),
          line,
          undefined,
        );
        if (this.multiLine && this.format === 'raw' && batch.rowLine[r + 1]! - line > 1) {
          this.noteLines(batch, r);
        }
        const cut = this.boundary(row + 1);
        if (cut) yield cut;
        continue;
      }
      this.raw.flush(this.w);
      const mark = this.w.length;
      try {
        if (width !== this.plan.width) throw widthError(this.plan, line, width, 'fields');
        if (this.format === 'binary') this.binaryFieldRow(batch, rowField[r]!, line);
        else if (this.format === 'raw') this.rawFieldRow(batch, r, line);
        else this.textFieldRow(batch, rowField[r]!, line);
      } catch (error) {
        this.w.truncate(mark);
        this.onBadRow(asBadRow(error, line), rawRowText(batch, r));
        const cut = this.boundary(row + 1);
        if (cut) yield cut;
        continue;
      }
      this.chunk.addRow(this.w.length, line, this.plan.keepText ? rawRowText(batch, r) : undefined);
      if (this.multiLine && this.format === 'raw' && batch.rowLine[r + 1]! - line > 1) {
        this.noteLines(batch, r);
      }
      const cut = this.boundary(row + 1);
      if (cut) yield cut;
    }
    // The parser reuses the batch's bytes for the next one.
    this.raw.flush(this.w);
  }

  private *encodeValues(batch: ValueBatch, skip?: SkipRow): Generator<EncodedChunk> {
    if (this.chunk.sourceStart < 0) this.chunk.sourceStart = batch.sourceStart;
    this.chunk.sourceEnd = batch.sourceEnd;
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
        this.values.write(this.w, values, line, batch.fromJson === true);
      } catch (error) {
        this.w.truncate(mark);
        this.onBadRow(asBadRow(error, line), batch.rowText?.[r] ?? safeJson(values));
        const cut = this.boundary(row + 1);
        if (cut) yield cut;
        continue;
      }
      this.chunk.addRow(
        this.w.length,
        line,
        this.plan.keepText ? (batch.rowText?.[r] ?? safeJson(values)) : undefined,
      );
      const cut = this.boundary(row + 1);
      if (cut) yield cut;
    }
  }

  /** The chunk to cut after `rowsDone` source rows, when it is full or they close a batch. */
  private boundary(rowsDone: number): EncodedChunk | null {
    const batchRows = this.plan.batchRows;
    const batchEnd = batchRows !== null && rowsDone % batchRows === 0;
    if (!batchEnd && this.chunk.bytes + this.raw.pending < this.plan.chunkBytes) return null;
    this.raw.flush(this.w);
    const chunk = this.chunk.rows > 0 ? this.cut() : null;
    this.chunk.firstRow = rowsDone;
    this.chunk.sourceStart = -1;
    return chunk;
  }

  private cut(): EncodedChunk {
    return this.chunk.cut(this.raw.endsInLf, this.rowsSeen);
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
    this.multiLine!.note(
      this.chunk,
      batch.bytes,
      batch.rowStart[r]!,
      batch.rowStart[r + 1]!,
      this.chunk.rows - 1,
    );
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
    for (let c = 0; c < columns.length && !batch.rowsOnly; c++) {
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
}
