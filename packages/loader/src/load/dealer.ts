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
