/**
 * The mixed load's choice, batch by batch, between the two ways a CSV row can travel, each cheap on
 * one side and dear on the other. Measured on the bench's 1,000,000-row, 128 MB file (CPU seconds,
 * PG 15, 2 shared cores): raw costs this thread ~0.7 s (row boundaries only) and the server ~1.9 s
 * (its CSV parsing and type input); binary costs this thread ~1.55 s (fields converted here) and the
 * server ~0.7 s. So raw is the cheaper way for the client, binary for the server, and neither is
 * cheapest for both. The dealer spends this thread's spare time, and only that, on binary: the next
 * batch goes raw whenever a raw shard can take a chunk now (its server backend is keeping up, so the
 * client would otherwise sit waiting), and is converted here (binary, to the binary shard, whose
 * backend does little) when every raw shard's queue is full (the servers are the bottleneck).
 */

/** A shard's COPY: the rows it takes, and the statement (format) it runs them through. */
export type ShardFormat = 'binary' | 'text' | 'raw';

export interface DealerView {
  /** Whether a chunk of `format` would be taken now without waiting (room in a shard, or a new one). */
  canTakeNow(format: ShardFormat): boolean;
}

/** The format of the next batch of a mixed load. */
export function nextBatchFormat(shards: DealerView): 'binary' | 'raw' {
  return shards.canTakeNow('raw') ? 'raw' : 'binary';
}

/**
 * The shards a load may open per format, and the format of a chunk that carries none. Mixed: one
 * binary shard (its backend does under half of what this thread does for the same rows, so one keeps
 * up with any share of binary batches); the rest take raw rows.
 */
export function shardLimits(
  format: 'binary' | 'text' | 'raw' | 'mixed',
  shards: number,
): [Partial<Record<ShardFormat, number>>, ShardFormat] {
  if (format === 'mixed') return [{ binary: 1, raw: shards - 1 }, 'binary'];
  return [{ [format]: shards }, format];
}

/** What a mixed load's batch reading and encoding need of the dealer. */
interface BatchSource {
  findRowsOnly(choose?: () => boolean): boolean;
}

/**
 * Each batch's format in a mixed load, chosen once per batch. CSV in abort mode: as the parser starts
 * the batch, so a raw one is read without its fields. Reject mode and TSV find every row's fields, so
 * there the choice is made as the batch is encoded. The first batch, read before there were shards,
 * is binary. Not mixed: no choice (undefined, the plan's format).
 */
export class BatchFormats {
  private current: 'binary' | 'raw' = 'binary';
  private atParse = false;

  constructor(
    private readonly mixed: boolean,
    private readonly shards: () => DealerView | undefined,
  ) {}

  /** Lets the parser ask for each batch (CSV, onError 'abort'). */
  attach(reader: BatchSource, onError: 'abort' | 'reject'): void {
    if (!this.mixed || onError !== 'abort') return;
    this.atParse = reader.findRowsOnly(() => this.choose() === 'raw');
  }

  /** The format to encode the batch just read in. */
  forBatch(first: boolean): 'binary' | 'raw' | undefined {
    if (!this.mixed || first) return undefined;
    return this.atParse ? this.current : this.choose();
  }

  private choose(): 'binary' | 'raw' {
    const shards = this.shards();
    this.current = shards ? nextBatchFormat(shards) : 'binary';
    return this.current;
  }
}
