/**
 * One shard: one connection running one COPY at a time, fed from a small bounded queue of chunks.
 * The coordinator pushes chunks and batch ends; the shard pulls them as its socket drains, so a slow
 * server pushes back through the queue onto the source. Every wait wakes on `stop`, so a failed or
 * cancelled load never leaves a shard waiting.
 */
import type { Connection } from '@haul/protocol';
import type { ShardReport, ShardState } from '../api.ts';
import type { EncodedChunk } from './chunk.ts';
import {
  binaryHeaderFrame,
  binaryTrailerFrame,
  CopyRowMap,
  frameBytes,
  mapCopyError,
} from './copy-frames.ts';
import type { ShardFormat } from './dealer.ts';
import type { RecentChunks } from './refused-row.ts';

/** Chunks a shard holds beyond the one it is sending: enough to never starve, little enough to bound memory. */
export const SHARD_QUEUE = 2;

export type ShardItem =
  | { kind: 'chunk'; chunk: EncodedChunk; batch: number }
  | { kind: 'end-batch'; batch: number }
  | { kind: 'end' };

/** What the shard does around its COPYs: transactions, savepoints, control rows (see shard-transactions.ts). */
export interface ShardTransactions {
  /** Before the first COPY of a batch (atomic mode: of the load). */
  beginBatch(shard: Shard, batch: number): Promise<void>;
  /** Sends the chunks of one COPY (all of a batch, or one chunk in reject mode). */
  copyChunks(shard: Shard, next: () => Promise<EncodedChunk | null>): Promise<void>;
  /** After the batch's last chunk. */
  endBatch(shard: Shard, batch: number): Promise<void>;
}

export class Shard {
  state: ShardState = 'connecting';
  rows = 0;
  bytes = 0;
  chunks = 0;
  readonly startedAt = Date.now();
  endedAt = 0;
  /** The batch this shard has open (batches mode), or -1. */
  batch = -1;
  /** Grows whenever the server lets this shard move on (a chunk sent, a batch begun or ended). */
  steps = 0;
  private readonly queue: ShardItem[] = [];
  private wakeShard: (() => void) | null = null;
  private stopped: Error | null = null;

  constructor(
    readonly index: number,
    readonly conn: Promise<Connection>,
    /** Called whenever the shard takes an item, so the dealer can push the next. */
    private readonly onSpace: () => void,
    /** The format of the rows its COPY takes (see dealer.ts). */
    readonly format: ShardFormat = 'binary',
  ) {}

  get hasRoom(): boolean {
    return this.queue.length < SHARD_QUEUE;
  }

  get queued(): number {
    return this.queue.length;
  }

  push(item: ShardItem): void {
    this.queue.push(item);
    this.wakeShard?.();
  }

  /** Wakes every wait with `reason`: the load is failing. */
  stop(reason: Error): void {
    this.stopped ??= reason;
    this.wakeShard?.();
  }

  report(): ShardReport {
    return {
      shard: this.index,
      rows: this.rows,
      bytes: this.bytes,
      chunks: this.chunks,
      ms: (this.endedAt || Date.now()) - this.startedAt,
      state: this.state,
    };
  }

  /** Pulls items until 'end', running batches through `transactions`. Rejects with the first failure. */
  async run(transactions: ShardTransactions): Promise<void> {
    await this.conn;
    this.state = 'copying';
    for (;;) {
      const item = await this.peek();
      if (item.kind === 'end') {
        this.take();
        break;
      }
      const batch = item.batch;
      this.batch = batch;
      await transactions.beginBatch(this, batch);
      this.steps++;
      await transactions.copyChunks(this, () => this.nextChunkOf(batch));
      this.steps++;
      await transactions.endBatch(this, batch);
      this.steps++;
      this.batch = -1;
    }
  }

  /** The next chunk of `batch`, or null at its end (the end marker is consumed). */
  private async nextChunkOf(batch: number): Promise<EncodedChunk | null> {
    const item = await this.peek();
    if (item.kind === 'chunk' && item.batch === batch) {
      this.take();
      return item.chunk;
    }
    if (item.kind === 'end-batch') this.take();
    return null;
  }

  private take(): void {
    this.queue.shift();
    this.onSpace();
  }

  private async peek(): Promise<ShardItem> {
    for (;;) {
      if (this.stopped) throw this.stopped;
      const head = this.queue[0];
      if (head) return head;
      await new Promise<void>((resolve) => {
        this.wakeShard = resolve;
      });
      this.wakeShard = null;
    }
  }

  /** Counts a chunk as sent. */
  sent(chunk: EncodedChunk, rows = chunk.rows): void {
    this.rows += rows;
    this.bytes += chunk.sourceEnd - chunk.sourceStart;
    this.chunks++;
    this.steps++;
  }
}

/**
 * One COPY statement carrying chunks from `next` until it returns null; server errors are mapped back
 * to the source line. `rows` picks which rows of each chunk to send (reject mode's retries).
 */
export async function copyChunks(
  conn: Connection,
  sql: string,
  format: 'binary' | 'text',
  next: () => Promise<EncodedChunk | null>,
  signal: AbortSignal,
  onSent: (chunk: EncodedChunk, rows: number) => void,
  pick?: (chunk: EncodedChunk) => readonly [number, number][],
  /** Where the rows sent are recorded; the caller's when it needs to place the server's "line N". */
  map: CopyRowMap = new CopyRowMap(),
  /** Keeps the last chunks sent, to find a refused row the server's error does not name. */
  recent?: RecentChunks,
): Promise<number> {
  async function* frames(): AsyncGenerator<Uint8Array> {
    if (format === 'binary') yield* binaryHeaderFrame();
    for (;;) {
      const chunk = await next();
      if (!chunk) break;
      recent?.add(chunk);
      const ranges = pick ? pick(chunk) : ([[0, chunk.rows]] as const);
      let rows = 0;
      for (const [from, to] of ranges) {
        if (to <= from) continue;
        map.add(chunk, from, to);
        if (from === 0 && to === chunk.rows && chunk.message) yield chunk.message;
        else yield* frameBytes(chunk.data, from === 0 ? 0 : chunk.rowEnd[from - 1]!, chunk.rowEnd[to - 1]!);
        rows += to - from;
      }
      onSent(chunk, rows);
    }
    if (format === 'binary') yield* binaryTrailerFrame();
  }
  try {
    const result = await conn.copyInFrames(sql, frames(), { signal });
    return result.rowCount ?? map.rows;
  } catch (error) {
    throw mapCopyError(error, map);
  }
}
