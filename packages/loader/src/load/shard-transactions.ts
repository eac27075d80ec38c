/**
 * What each shard runs around its COPYs. Atomic mode: one transaction per shard, opened before its
 * first chunk and left open for the coordinator's commit. Batches mode: a transaction per batch that
 * ends with the batch's ledger row and COMMIT. onError 'reject' sends each chunk in its own COPY under
 * a savepoint (reject-copy.ts); 'abort' sends a batch's chunks through one COPY, and finds the row
 * behind a refusal whose CONTEXT it cannot read among the last chunks (refused-row.ts).
 */
import { PostgresError } from '@haul/protocol';
import type { BadRowError } from '../errors.ts';
import type { BatchControl, BatchRecord } from './batch-control.ts';
import type { EncodedChunk } from './chunk.ts';
import type { ShardFormat } from './dealer.ts';
import { findRefusedRow, isRowRefusal, RecentChunks } from './refused-row.ts';
import { copyChunkWithRejects } from './reject-copy.ts';
import { copyChunks, type Shard, type ShardTransactions } from './shard.ts';

export interface ShardTransactionsOptions {
  mode: 'atomic' | 'batches';
  onError: 'abort' | 'reject';
  /** The COPY statement of each shard format the load uses (one, or binary and raw in a mixed load). */
  sql: Partial<Record<ShardFormat, string>>;
  signal: AbortSignal;
  control: BatchControl | null;
  /** Atomic mode with PREPARE TRANSACTION: shard 0 reads its transaction id for the gids. */
  twoPhase: boolean;
  /** SET LOCAL lock_timeout in every shard transaction, in ms. */
  lockTimeout: number;
  reject(chunk: EncodedChunk, row: number, error: BadRowError): Promise<void>;
  /** Bytes of chunks each abort-mode COPY keeps to find a refused row (RecentChunks); RECENT_BYTES by default. */
  recentBytes?: number;
}

export class LoadShardTransactions implements ShardTransactions {
  /** Shard 0's transaction id (two-phase only). */
  decidingXid = '';
  /** Rows committed by this run's batches (batches mode). */
  committedRows = 0;
  /** Batches this run committed (batches mode). */
  committedBatches = 0;
  private readonly began = new Set<number>();
  private readonly batches = new Map<number, BatchRecord>();

  constructor(private readonly options: ShardTransactionsOptions) {}

  async beginBatch(shard: Shard, batch: number): Promise<void> {
    const conn = await shard.conn;
    const begin = `begin; set local lock_timeout = ${this.options.lockTimeout}`;
    if (this.options.mode === 'batches') {
      // haul.batch: a staged load's file-order column takes it as its default (publish-sql.ts).
      await conn.exec(`${begin}; set local haul.batch = ${batch}`);
      this.batches.set(batch, { batch, firstRow: -1, rows: 0, sourceStart: -1, sourceEnd: 0 });
      return;
    }
    if (this.began.has(shard.index)) return;
    this.began.add(shard.index);
    await conn.exec(begin);
    if (this.options.twoPhase && shard.index === 0) {
      const { rows } = await conn.query<{ xid: string }>('select txid_current()::text as xid');
      this.decidingXid = rows[0]!.xid;
    }
  }

  async copyChunks(shard: Shard, next: () => Promise<EncodedChunk | null>): Promise<void> {
    const conn = await shard.conn;
    const { signal } = this.options;
    const { sql, format } = this.copyOf(shard);
    const track = (chunk: EncodedChunk, rows: number) => {
      shard.sent(chunk, rows);
      const record = this.batches.get(shard.batch);
      if (!record) return;
      if (record.firstRow < 0) record.firstRow = chunk.firstRow;
      if (record.sourceStart < 0) record.sourceStart = chunk.sourceStart;
      record.sourceEnd = chunk.sourceEnd;
      record.rows += rows;
    };
    if (this.options.onError === 'abort') {
      const recent = new RecentChunks(this.options.recentBytes);
      try {
        await copyChunks(conn, sql, format, next, signal, track, undefined, undefined, recent);
        recent.releaseAll();
      } catch (error) {
        // Still the server's own error: its CONTEXT named no line we could read.
        if (!(error instanceof PostgresError) || !isRowRefusal(error)) throw error;
        const lockTimeout = this.options.lockTimeout;
        throw (await findRefusedRow({ conn, sql, format, signal }, recent, error, lockTimeout)) ?? error;
      }
      return;
    }
    const job = { conn, sql, format, signal, reject: this.options.reject };
    for (let chunk = await next(); chunk; chunk = await next()) {
      track(chunk, await copyChunkWithRejects(job, chunk));
      // Its COPYs are over: the server has read every byte of it (chunk.ts).
      chunk.release?.();
    }
  }

  /** The statement and wire format of `shard`'s COPY. */
  private copyOf(shard: Shard): { sql: string; format: 'binary' | 'text' } {
    const sql = this.options.sql[shard.format];
    if (sql === undefined) throw new Error(`unreachable: no COPY statement for ${shard.format} rows`);
    return { sql, format: shard.format === 'binary' ? 'binary' : 'text' };
  }

  async endBatch(shard: Shard, batch: number): Promise<void> {
    if (this.options.mode === 'atomic') {
      shard.state = 'waiting';
      return;
    }
    const conn = await shard.conn;
    const record = this.batches.get(batch)!;
    this.batches.delete(batch);
    await this.options.control!.record(conn, { ...record, firstRow: Math.max(0, record.firstRow) });
    await conn.exec('commit');
    this.committedRows += record.rows;
    this.committedBatches++;
  }
}
