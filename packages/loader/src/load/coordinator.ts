/**
 * Deals chunks to shards: whichever shard has room takes the next chunk; a new shard (connection)
 * opens when every open one has work waiting, so a one-chunk load uses one connection. In batches mode all
 * chunks of a batch go to the shard that took its first chunk. A mixed load has shards of two formats
 * (dealer.ts): a chunk goes only to a shard whose COPY has its format, and each format has its own
 * share of the shard count. The first failure anywhere stops
 * everything at once: every shard's COPY gets CopyFail through the shared signal, and every wait wakes.
 */
import type { Connection } from '@haul/protocol';
import type { Connector } from '../api.ts';
import type { EncodedChunk } from './chunk.ts';
import type { DealerView, ShardFormat } from './dealer.ts';
import { Shard, type ShardTransactions } from './shard.ts';

/** How many shards of each format a load may open (a single-format load: one entry). */
export type ShardLimits = Partial<Record<ShardFormat, number>>;

export class Coordinator implements DealerView {
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
    private readonly limits: ShardLimits,
    private readonly transactions: ShardTransactions,
    /** The format of a chunk that carries none (every chunk of a single-format load). */
    private readonly defaultFormat: ShardFormat,
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
      const shard = owner ?? this.pickShard(chunk.format ?? this.defaultFormat);
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

  canTakeNow(format: ShardFormat): boolean {
    const pick = this.choose(format);
    return pick === 'open' || (pick?.hasRoom ?? false);
  }

  private pickShard(format: ShardFormat): Shard | null {
    const pick = this.choose(format);
    return pick === 'open' ? this.open(format) : pick;
  }

  /**
   * The open shard of `format` with room and the fewest chunks queued, or 'open': a new shard opens
   * when every open one still has a chunk waiting, so a load of one chunk uses one connection, a
   * longer one all it may.
   */
  private choose(format: ShardFormat): Shard | 'open' | null {
    let best: Shard | null = null;
    let count = 0;
    for (const shard of this.shards) {
      if (shard.format !== format) continue;
      count++;
      if (shard.hasRoom && (best === null || shard.queued < best.queued)) best = shard;
    }
    const mayOpen = count < (this.limits[format] ?? 0) && this.shards.length < this.maxShards;
    if ((best === null || best.queued > 0) && mayOpen) return 'open';
    return best;
  }

  private get maxShards(): number {
    return Object.values(this.limits).reduce((sum, limit) => sum + limit, 0);
  }

  private open(format: ShardFormat): Shard {
    const index = this.shards.length;
    const conn = index === 0 ? Promise.resolve(this.first) : this.connector(this.abort.signal);
    const shard = new Shard(index, conn, () => this.wakeDealer?.(), format);
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
