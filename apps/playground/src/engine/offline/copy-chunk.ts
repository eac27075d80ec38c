/**
 * One encoded chunk into PGlite as one `COPY … FROM '/dev/blob'`: PGlite hands the Blob to the COPY
 * as its file (COPY FROM STDIN through execProtocolRaw would kill the instance; see
 * shared/toolchain.md). A server error is traced back to the source row by the loader's own mapping.
 *
 * onError 'reject' sends the chunk under a savepoint; when the server refuses a row and its error
 * names it ("COPY t, line N"), the savepoint is rolled back, the row is set aside and the rest of the
 * chunk is sent again. An error that names no row is not a bad row (a failure of the statement as a
 * whole): it fails the load rather than rejecting rows blindly.
 */
import type { BadRowError } from '@haul/loader';
import { type CopyPlan, copyPayload, type EncodedChunk, locateCopyError } from '@haul/loader/copy-encode';
import type { Queryable } from './database.ts';
import { toPostgresError } from './errors.ts';

const SAVEPOINT = 'haul_offline_rows';

export interface ChunkResult {
  /** Rows the COPY stored. */
  rows: number;
  /** COPY payload bytes sent, retries included. */
  bytes: number;
}

/** A row the server refused in 'reject' mode: its chunk row (for its text) and the mapped error. */
export type ServerReject = (chunk: EncodedChunk, row: number, error: BadRowError) => void;

/** Sends the whole chunk; a server error is thrown as a BadRowError naming the source row when it can. */
export async function copyChunk(
  db: Queryable,
  plan: CopyPlan,
  sql: string,
  chunk: EncodedChunk,
): Promise<ChunkResult> {
  const payload = copyPayload(plan.format, chunk);
  try {
    await copy(db, sql, payload);
  } catch (error) {
    const pg = toPostgresError(error);
    const located = pg ? locateCopyError(pg, chunk) : null;
    throw located ? located.error : (pg ?? error);
  }
  return { rows: chunk.rows, bytes: size(payload) };
}

/** Sends the chunk, setting aside each row the server refuses (see the file comment). */
export async function copyChunkWithRejects(
  db: Queryable,
  plan: CopyPlan,
  sql: string,
  chunk: EncodedChunk,
  reject: ServerReject,
): Promise<ChunkResult> {
  let rows: number[] | undefined;
  let bytes = 0;
  for (;;) {
    const sending = rows ?? allRows(chunk);
    if (sending.length === 0) return { rows: 0, bytes };
    const payload = copyPayload(plan.format, chunk, rows);
    bytes += size(payload);
    await db.exec(`savepoint ${SAVEPOINT}`);
    try {
      await copy(db, sql, payload);
      await db.exec(`release savepoint ${SAVEPOINT}`);
      return { rows: sending.length, bytes };
    } catch (error) {
      await db.exec(`rollback to savepoint ${SAVEPOINT}`);
      const pg = toPostgresError(error);
      const located = pg ? locateCopyError(pg, chunk, sending) : null;
      if (!located) throw pg ?? error;
      reject(chunk, located.row, located.error);
      rows = sending.filter((row) => row !== located.row);
    }
  }
}

async function copy(db: Queryable, sql: string, payload: Uint8Array[]): Promise<void> {
  // Blob parts are views into the chunk's buffer; Blob copies them once, which PGlite then reads.
  await db.query(sql, [], { blob: new Blob(payload as BlobPart[]) });
}

function allRows(chunk: EncodedChunk): number[] {
  return Array.from({ length: chunk.rows }, (_, i) => i);
}

function size(parts: readonly Uint8Array[]): number {
  let total = 0;
  for (const part of parts) total += part.byteLength;
  return total;
}
