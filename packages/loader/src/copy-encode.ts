/**
 * @haul/loader/copy-encode — the loader's planning and COPY encoding for a database that is not
 * reached over a protocol `Connection`: PGlite running in a page, which takes a whole COPY payload as
 * a Blob (`COPY … FROM '/dev/blob'`) instead of a CopyData stream.
 *
 * Nothing here is new logic: it wraps the same internals `load()` uses, so an offline load maps
 * columns, creates tables, converts text fields to binary COPY and names bad rows exactly as a load
 * into a server does:
 *  - `planCopy`: the target table read from the catalog (created from the first rows when asked), the
 *    column mapping, and binary format unless a column's type has no text→binary converter (then COPY
 *    text, with the column named) — planLoad with raw pass-through ruled out.
 *  - `createCopyEncoder`: row batches → chunks of binary (or text) COPY tuples via ChunkEncoder.
 *  - `copyPayload`: a chunk's rows (all, or a subset for retries) as one COPY payload, PGCOPY header
 *    and trailer included for binary.
 *  - `locateCopyError`: a server error during such a COPY traced back to the chunk row and source line.
 */
import { type Connection, copyErrorLine, type PostgresError } from '@haul/protocol';
import { PGCOPY_HEADER, PGCOPY_TRAILER } from '@haul/protocol/copy';
import type { FromText as FieldConverter } from '@haul/protocol/types';
import type { LoadOptions, OnError } from './api.ts';
import { BadRowError } from './errors.ts';
import type { EncodedChunk } from './load/chunk.ts';
import { ChunkEncoder } from './load/chunk-encoder.ts';
import { CopyRowMap, mapCopyError, rowSpan } from './load/copy-frames.ts';
import { planLoad } from './load/plan.ts';
import { readTable } from './schema/catalog.ts';
import { quoteIdent } from './schema/identifiers.ts';
import type { KeyIndex } from './schema/key-mapping.ts';
import type { TargetColumn, TargetTable } from './schema/target.ts';
import type { RowBatch, RowReader } from './source/row-reader.ts';
import { unescapeField } from './source/unescape.ts';

export { rejectedRow } from './errors.ts';
export type { EncodedChunk } from './load/chunk.ts';
export type { TargetColumn, TargetTable } from './schema/target.ts';
export type { RowBatch, RowReader } from './source/row-reader.ts';

/**
 * The two calls planning makes, in the shape both a protocol Connection and PGlite (or its
 * transaction) offer: `query` for the catalog reads, `exec` for a CREATE TABLE.
 */
export interface SqlRunner {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
}

export interface CopyPlanOptions {
  /** `name` or `schema.name`, as for `load`. */
  table: string;
  /** Target columns in source order (object rows: the columns to load); omitted: by header, keys or position. */
  columns?: readonly string[];
  ignoreUnknownColumns?: boolean;
  /** Create the table from the first batch's rows when it does not exist. */
  createTable?: boolean;
}

export interface CopyPlan {
  table: TargetTable;
  /** The COPY column list, in order. */
  columns: readonly TargetColumn[];
  fieldIndex: readonly number[];
  /** Object rows: which column each key fills (null for positional and CSV rows). */
  keyIndex: KeyIndex | null;
  /** Fields every text or positional row must have. */
  width: number;
  format: 'binary' | 'text';
  /** Why the format is text: the column whose type has no binary converter. */
  textReason?: string;
  converters: readonly FieldConverter[];
  /** The CREATE TABLE statement run, when the table was created. */
  createdTable?: string;
}

/**
 * Reads (or creates) the target and plans the COPY. Throws LoadConfigError for what the caller set up
 * wrongly (no such table, unknown or generated columns, a NOT NULL column nobody fills).
 */
export async function planCopy(
  db: SqlRunner,
  reader: RowReader,
  first: RowBatch | null,
  options: CopyPlanOptions,
): Promise<CopyPlan> {
  const loadOptions: LoadOptions = {
    table: options.table,
    // planLoad never reads the source (the reader is passed on its own); this only fills the type.
    source: new Uint8Array(0),
    copyFormat: 'auto',
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.ignoreUnknownColumns !== undefined
      ? { ignoreUnknownColumns: options.ignoreUnknownColumns }
      : {}),
    ...(options.createTable !== undefined ? { createTable: options.createTable } : {}),
  };
  // A null dialect rules raw pass-through out: the offline path converts every field itself.
  const plan = await planLoad(asConnection(db), loadOptions, reader, first, null);
  const format = plan.format === 'text' ? 'text' : 'binary';
  return {
    table: plan.table,
    columns: plan.mapping.columns,
    fieldIndex: plan.mapping.fieldIndex,
    keyIndex: plan.mapping.keyIndex ?? null,
    width: plan.width,
    format,
    ...(plan.textReason ? { textReason: plan.textReason } : {}),
    converters: plan.converters,
    ...(plan.createdTable ? { createdTable: plan.createdTable } : {}),
  };
}

/** The table `table` names, with its columns as a load sees them (LoadConfigError when missing). */
export function readTargetTable(db: SqlRunner, table: string): Promise<TargetTable> {
  return readTable(asConnection(db), table);
}

/** `copy "s"."t" ("a", "b") from <source> (format …)`; `source` is e.g. `'/dev/blob'` or `stdin`. */
export function copyFromSql(plan: CopyPlan, source: string): string {
  const columns = plan.columns.map((column) => quoteIdent(column.name)).join(', ');
  return `copy ${plan.table.qualified} (${columns}) from ${source} (format ${plan.format})`;
}

export interface CopyEncoderOptions {
  /** 'abort': the first row that cannot be encoded throws its BadRowError; 'reject': `onReject` gets it. */
  onError: OnError;
  /** Called in 'reject' mode with each row that could not be encoded (it is left out of the chunk). */
  onReject?: (error: BadRowError, text: string) => void;
  /** Bytes of COPY data per chunk (about). */
  chunkBytes: number;
  /** Cut chunks at every multiple of this many source rows (one transaction per batch); null: never. */
  batchRows?: number | null;
}

export interface CopyEncoder {
  /** Source rows consumed so far (header excluded, rejected rows included). */
  readonly rows: number;
  /** Encodes one batch, yielding each chunk as it fills. */
  encode(batch: RowBatch): Generator<EncodedChunk>;
  /** The last, partly filled chunk, if any. */
  finish(): EncodedChunk | null;
}

export function createCopyEncoder(plan: CopyPlan, options: CopyEncoderOptions): CopyEncoder {
  const { onError, onReject } = options;
  return new ChunkEncoder(
    {
      format: plan.format,
      columns: plan.columns,
      fieldIndex: plan.fieldIndex,
      keyIndex: plan.keyIndex,
      width: plan.width,
      converters: plan.converters,
      // Rows the server may refuse are reported with their text, so keep it when rejecting.
      keepText: onError === 'reject',
      chunkBytes: options.chunkBytes,
      batchRows: options.batchRows ?? null,
    },
    unescapeField,
    (error, text) => {
      if (onError === 'abort' || !onReject) throw error;
      onReject(error, text);
    },
  );
}

/**
 * The chunk's rows (all, or the chunk row indexes in `rows`, ascending) as one complete COPY payload:
 * views into the chunk's buffer, ready for `new Blob(parts)` — no row bytes are copied here.
 */
export function copyPayload(
  format: 'binary' | 'text',
  chunk: EncodedChunk,
  rows?: readonly number[],
): Uint8Array[] {
  const parts: Uint8Array[] = [];
  if (format === 'binary') parts.push(PGCOPY_HEADER);
  if (rows === undefined) parts.push(chunk.data);
  else {
    for (const [from, to] of runs(rows)) {
      const [start, end] = rowSpan(chunk, from, to);
      parts.push(chunk.data.subarray(start, end));
    }
  }
  if (format === 'binary') parts.push(PGCOPY_TRAILER);
  return parts;
}

/**
 * A server error from a COPY of `rows` of `chunk` (all when omitted): the chunk row it names and the
 * error as a BadRowError with the source line, column, value and SQLSTATE; null when the error names
 * no row (a failure of the statement as a whole).
 */
export function locateCopyError(
  error: PostgresError,
  chunk: EncodedChunk,
  rows?: readonly number[],
): { row: number; error: BadRowError } | null {
  const line = copyErrorLine(error);
  if (line === undefined) return null;
  const sent = rows ?? Array.from({ length: chunk.rows }, (_, i) => i);
  const map = new CopyRowMap();
  for (const [from, to] of runs(sent)) map.add(chunk, from, to);
  const row = sent[map.rowAtLine(line)];
  if (row === undefined) return null;
  const mapped = mapCopyError(error, map);
  return mapped instanceof BadRowError ? { row, error: mapped } : null;
}

/** Ascending row indexes as [from, to) runs of consecutive rows. */
function runs(rows: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const row of rows) {
    const last = out[out.length - 1];
    if (last && last[1] === row) last[1] = row + 1;
    else out.push([row, row + 1]);
  }
  return out;
}

/**
 * planLoad and readTable take a Connection but call only `query` and `exec` on it (catalog.ts,
 * plan.ts); a runner with those two stands in for it.
 */
function asConnection(db: SqlRunner): Connection {
  const stand: Pick<Connection, 'query' | 'exec'> = {
    query: (async (sql: string, params?: unknown[]) => db.query(sql, params)) as Connection['query'],
    exec: (async (sql: string) => db.exec(sql)) as Connection['exec'],
  };
  return stand as Connection;
}
