/**
 * An offline load: the file parsed by the loader's own readers, every field converted to binary COPY
 * by its converters (text COPY when a column's type has none), and ~1 MiB chunks sent to PGlite, one
 * `COPY … FROM '/dev/blob'` each, all inside one transaction ('atomic') or one per `batchRows` rows
 * ('batches'). Planning runs inside the first transaction, so a table created for a load that then
 * fails is rolled back with it.
 *
 * PGlite runs on the page's thread: between chunks the load yields to the event loop so progress
 * paints and a cancel click is seen; an abort takes effect at the next chunk boundary.
 */
import type { PGlite } from '@electric-sql/pglite';
import { LoadConfigError, openRowReader, type RejectedRow } from '@haul/loader';
import {
  type CopyEncoder,
  type CopyPlan,
  copyFromSql,
  createCopyEncoder,
  type EncodedChunk,
  planCopy,
  type RowBatch,
  type RowReader,
  rejectedRow,
} from '@haul/loader/copy-encode';
import { EngineError, type LoadEvent, type LoadRequest } from '../contract.ts';
import { copyChunk, copyChunkWithRejects } from './copy-chunk.ts';
import { sqlRunner } from './database.ts';
import { abortError } from './errors.ts';
import { LoadTally, newLoadId } from './load-tally.ts';

/** COPY bytes per chunk: small enough that one COPY blocks the page only briefly. */
const CHUNK_BYTES = 1 << 20;
const DEFAULT_BATCH_ROWS = 100_000;

type Outcome = Extract<LoadEvent, { type: 'report' | 'error' }>;

interface Step {
  chunk: EncodedChunk;
  /** The chunk closes a batch ('batches' mode commits after it). */
  batchEnd: boolean;
}

export async function runLoad(
  db: PGlite,
  table: string,
  file: Blob,
  request: LoadRequest,
  onEvent: (event: LoadEvent) => void,
  signal: AbortSignal,
): Promise<Outcome> {
  if (request.shards !== 1) {
    const message = `offline mode loads over its one PGlite session: shards must be 1, not ${request.shards}`;
    throw new EngineError(message, 400, { message });
  }
  if (signal.aborted) throw abortError(signal, 'the load');
  let reader: RowReader;
  try {
    reader = await openRowReader(file, {
      format: request.format,
      ...(request.header !== undefined ? { header: request.header } : {}),
      ...(request.delimiter !== undefined ? { delimiter: request.delimiter } : {}),
      targetBytes: CHUNK_BYTES,
    });
  } catch (error) {
    throw setupError(error);
  }
  const source = reader;
  const tally = new LoadTally(newLoadId(), () => source.bytesRead, onEvent);
  try {
    return await loadRows(db, table, source, request, tally, onEvent, signal);
  } finally {
    await source.close().catch(() => {});
  }
}

async function loadRows(
  db: PGlite,
  table: string,
  reader: RowReader,
  request: LoadRequest,
  tally: LoadTally,
  onEvent: (event: LoadEvent) => void,
  signal: AbortSignal,
): Promise<Outcome> {
  const batches = reader.batches()[Symbol.asyncIterator]();
  const head = await batches.next();
  const first = head.done ? null : head.value;
  const batchRows = request.mode === 'batches' ? (request.batchRows ?? DEFAULT_BATCH_ROWS) : null;
  const pending: RejectedRow[] = [];
  const reject = (row: RejectedRow) => {
    tally.rejected++;
    onEvent({ type: 'reject', ...row });
  };
  const flushRejects = () => {
    for (const row of pending.splice(0)) reject(row);
  };
  let plan: CopyPlan | undefined;
  let steps: AsyncGenerator<Step> | undefined;
  let copySql = '';
  let done = false;
  tally.progress(true);
  try {
    while (!done) {
      await db.transaction(async (tx) => {
        if (!plan || !steps) {
          plan = await planCopy(sqlRunner(tx), reader, first, {
            table,
            ...(request.columns ? { columns: request.columns } : {}),
            ...(request.createTable !== undefined ? { createTable: request.createTable } : {}),
          });
          const encoder = createCopyEncoder(plan, {
            onError: request.onError,
            onReject: (error, text) => pending.push(rejectedRow(error, text)),
            chunkBytes: CHUNK_BYTES,
            batchRows,
          });
          steps = encodeAll(encoder, first, batches, batchRows);
          copySql = copyFromSql(plan, "'/dev/blob'");
          tally.state = 'copying';
        }
        for (;;) {
          if (signal.aborted) throw abortError(signal, 'the load');
          const step = await steps.next();
          flushRejects();
          if (signal.aborted) throw abortError(signal, 'the load');
          if (step.done) {
            done = true;
            return;
          }
          const { chunk } = step.value;
          const result =
            request.onError === 'reject'
              ? await copyChunkWithRejects(tx, plan, copySql, chunk, (c, row, error) =>
                  reject(rejectedRow(error, c.rowText?.(row) ?? '')),
                )
              : await copyChunk(tx, plan, copySql, chunk);
          tally.rows += result.rows;
          tally.copyBytes += result.bytes;
          tally.chunks++;
          tally.progress();
          await yieldToPage();
          if (step.value.batchEnd && batchRows !== null) return;
        }
      });
      tally.committedRows = tally.rows;
    }
  } catch (error) {
    flushRejects();
    tally.state = 'rolled-back';
    tally.progress(true);
    if (signal.aborted) throw abortError(signal, 'the load');
    // Refused before a row was sent (no such table, unknown columns): a setup error, as on the worker.
    if (error instanceof LoadConfigError) throw setupError(error);
    return tally.failure(error, request.mode);
  }
  if (!plan) throw new Error('unreachable: a finished load has a plan');
  tally.state = 'committed';
  tally.progress(true);
  return tally.report(plan, request);
}

/** Every chunk of the source in order: the first batch (already read), then the rest, then the tail. */
async function* encodeAll(
  encoder: CopyEncoder,
  first: RowBatch | null,
  rest: AsyncIterator<RowBatch>,
  batchRows: number | null,
): AsyncGenerator<Step> {
  // The encoder cuts a chunk at each batch end; when it yields, `rows` counts through the chunk's last row.
  const atBatchEnd = () => batchRows !== null && encoder.rows % batchRows === 0;
  let batch = first;
  while (batch) {
    for (const chunk of encoder.encode(batch)) yield { chunk, batchEnd: atBatchEnd() };
    const next = await rest.next();
    batch = next.done ? null : next.value;
  }
  const last = encoder.finish();
  if (last) yield { chunk: last, batchEnd: true };
}

function setupError(error: unknown): unknown {
  if (!(error instanceof LoadConfigError)) return error;
  return new EngineError(error.message, 400, { message: error.message });
}

/** A macrotask break: lets the page paint progress and handle input between two COPYs. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
