/**
 * Deals chunks to shards: whichever shard has room takes the next chunk; a new shard (connection)
 * opens when every open one has work waiting, so a one-chunk load uses one connection. In batches mode all
 * chunks of a batch go to the shard that took its first chunk. The first failure anywhere stops
 * everything at once: every shard's COPY gets CopyFail through the shared signal, and every wait wakes.
 */
import type { Connection } from '@haul/protocol';
import type { Connector } from '../api.ts';
import type { EncodedChunk } from './chunk.ts';
import { Shard, type ShardTransactions } from './shard.ts';

export class Coordinator {
  readonly shards: Shard[] = [];
  private readonly runs: Promise<void>[] = [];
  private failure: Error | null = null;
  private wakeDealer: (() => void) | null = null;
  private readonly batchShard = new Map<number, Shard>();
  private lastBatch = -1;
  readonly abort = new AbortController();

  constructor(
    private readonly connector: Connector,
    private readonly first: Connection,
    private readonly maxShards: number,
    private readonly transactions: ShardTransactions,
  ) {}

  get failed(): Error | null {
    return this.failure;
  }

  /** Stops the load with `error` (the first one wins). */
  fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error instanceof Error ? error : new Error(String(error));
    this.abort.abort(this.failure);
    for (const shard of this.shards) shard.stop(this.failure);
    this.wakeDealer?.();
  }

  /**
   * Hands a chunk to a shard, waiting while all are full; with a `batch` (batches mode), to the shard
   * that has that batch. Throws once the load failed.
   */
  async deal(chunk: EncodedChunk, batch: number | null): Promise<void> {
    if (batch !== null && batch !== this.lastBatch) this.closeBatch();
    if (batch !== null) this.lastBatch = batch;
    for (;;) {
      if (this.failure) throw this.failure;
      const owner = batch === null ? undefined : this.batchShard.get(batch);
      const shard = owner ?? this.pickShard();
      if (shard?.hasRoom) {
        if (batch !== null) this.batchShard.set(batch, shard);
        shard.push({ kind: 'chunk', chunk, batch: batch ?? 0 });
        return;
      }
      await new Promise<void>((resolve) => {
        this.wakeDealer = resolve;
      });
      this.wakeDealer = null;
    }
  }

  /** No more chunks: ends the open batch and every shard's run, and waits for them. */
  async finish(): Promise<void> {
    if (this.lastBatch >= 0) this.closeBatch();
    else for (const shard of this.shards) shard.push({ kind: 'end-batch', batch: 0 });
    for (const shard of this.shards) shard.push({ kind: 'end' });
    await this.settled();
    if (this.failure) throw this.failure;
  }

  /** Waits until every shard's run has ended (after a failure, too). */
  async settled(): Promise<void> {
    await Promise.allSettled(this.runs);
  }

  /** Every shard's connection that opened. */
  async connections(): Promise<{ index: number; conn: Connection }[]> {
    const opened = await Promise.allSettled(this.shards.map((shard) => shard.conn));
    const out: { index: number; conn: Connection }[] = [];
    opened.forEach((result, index) => {
      if (result.status === 'fulfilled') out.push({ index, conn: result.value });
    });
    return out;
  }

  private closeBatch(): void {
    const shard = this.batchShard.get(this.lastBatch);
    if (!shard) return;
    shard.push({ kind: 'end-batch', batch: this.lastBatch });
    this.batchShard.delete(this.lastBatch);
  }

  /**
   * The open shard with room and the fewest chunks queued. A new shard opens when every open one
   * still has a chunk waiting: a load of one chunk uses one connection, a longer one all it may.
   */
  private pickShard(): Shard | null {
    let best: Shard | null = null;
    for (const shard of this.shards) {
      if (shard.hasRoom && (best === null || shard.queued < best.queued)) best = shard;
    }
    if ((best === null || best.queued > 0) && this.shards.length < this.maxShards) return this.open();
    return best;
  }

  private open(): Shard {
    const index = this.shards.length;
    const conn = index === 0 ? Promise.resolve(this.first) : this.connector(this.abort.signal);
    const shard = new Shard(index, conn, () => this.wakeDealer?.());
    // A connection that opens after the load failed is closed at cleanup through connections().
    conn.catch(() => {});
    this.shards.push(shard);
    if (this.failure) shard.stop(this.failure);
    this.runs.push(
      shard.run(this.transactions).then(
        () => {
          shard.endedAt = Date.now();
        },
        (error: unknown) => {
          shard.endedAt = Date.now();
          shard.state = 'failed';
          this.fail(error);
        },
      ),
    );
    return shard;
  }
}
