/**
 * onError 'abort' when the server refuses a row but its error names no line we can read (CONTEXT
 * translated under a non-English lc_messages, or absent): the refused row is found by sending the
 * COPY's last chunks again through the reject path's windows (reject-copy.ts), in a transaction of
 * their own that is rolled back after, until one row alone is refused with the same SQLSTATE. The
 * load fails either way; this only names the row, with its source line.
 *
 * Only the last chunks are kept (RecentChunks): the server refuses a row as soon as it reads it, so
 * the refused row is among the last bytes sent, give or take what the sockets between us hold. If it
 * is not among them, or the refusal depended on rows no longer kept (a duplicate key), the search
 * finds nothing and the server's error stands as it came.
 */
import { type Connection, type PostgresError, SqlStateClass, sqlStateClass } from '@haul/protocol';
import type { BadRowError } from '../errors.ts';
import type { EncodedChunk } from './chunk.ts';
import { copyChunkWithRejects, type RejectCopy } from './reject-copy.ts';

/**
 * Bytes of chunks a load keeps, all its shards together. The refused row lies at most what the two
 * socket buffers hold before the last byte sent; Linux autotunes them up to 4 and 6 MiB, but they fill
 * that far only when the server falls behind. Measured when every shard kept this much (M1, 1 GB
 * CSV, 4 shards): 8 MiB cost 134 MB peak RSS, 4 MiB 110 MB, 2 MiB 95 MB; so 2 MiB, and a row further
 * back is not found (the server's own error then stands, as for a refusal that depends on rows no longer kept).
 * Shared by the shards (recentBytesPerShard), so a load with more shards keeps no more chunks: at 4
 * shards each socket carries a quarter of the bytes, and its buffers hold correspondingly less of
 * what was sent lately.
 */
export const RECENT_BYTES = 2 << 20;

/**
 * What each shard's COPY keeps at least: more than a socket adapter holds unsent (its high-water mark,
 * 256 KiB by default), which is what lets a chunk leave RecentChunks for reuse (chunk.ts).
 */
export const MIN_RECENT_BYTES = 512 << 10;

/** RecentChunks' limit for each of `shards` shards: their share of RECENT_BYTES, at least the minimum. */
export function recentBytesPerShard(shards: number, total = RECENT_BYTES, min = MIN_RECENT_BYTES): number {
  return Math.max(min, Math.floor(total / shards));
}

/** Errors about a row's data: only these can be traced to a row by sending rows again. */
const ROW_ERROR_CLASSES = new Set<string>([
  SqlStateClass.DataException,
  SqlStateClass.IntegrityConstraintViolation,
]);

/** The last chunks one COPY has sent, at least `limit` bytes of them besides the newest (whole chunks). */
export class RecentChunks {
  private readonly kept: EncodedChunk[] = [];
  private bytes = 0;

  constructor(private readonly limit = RECENT_BYTES) {}

  add(chunk: EncodedChunk): void {
    // A chunk sent in several ranges is kept once.
    if (this.kept[this.kept.length - 1] === chunk) return;
    // Before `chunk` joins: every chunk kept was sent, its write awaited (the COPY asks for the next
    // chunk only then). One with `limit` bytes of them after it has left the socket too, which holds
    // at most its high-water mark (the ownership rule in chunk.ts).
    while (this.kept.length > 1 && this.bytes - this.kept[0]!.data.length >= this.limit) {
      const old = this.kept.shift()!;
      this.bytes -= old.data.length;
      old.release?.();
    }
    this.kept.push(chunk);
    this.bytes += chunk.data.length;
  }

  /** The COPY is over (the server read every byte): every chunk kept goes back to its pool. */
  releaseAll(): void {
    for (const chunk of this.kept.splice(0)) chunk.release?.();
    this.bytes = 0;
  }

  get chunks(): readonly EncodedChunk[] {
    return this.kept;
  }
}

/** Whether `error` is a refusal of some row that `findRefusedRow` may find. */
export function isRowRefusal(error: PostgresError): boolean {
  return ROW_ERROR_CLASSES.has(sqlStateClass(error.code));
}

/**
 * The row of `recent` the server refuses with `error`'s SQLSTATE, as a BadRowError naming its source
 * line; null when none is (or the search itself fails: the load is failing anyway). Ends the shard's
 * failed transaction first, and leaves the connection outside any transaction.
 */
export async function findRefusedRow(
  copy: { conn: Connection; sql: string; format: 'binary' | 'text'; signal: AbortSignal },
  recent: RecentChunks,
  error: PostgresError,
  /** lock_timeout in ms: a row whose key another shard holds must not wait for that shard's end. */
  lockTimeout: number,
): Promise<BadRowError | null> {
  const { conn, signal } = copy;
  let found: BadRowError | null = null;
  const stop = new Error('the first refused row is found');
  const job: RejectCopy = {
    ...copy,
    reject: async (_chunk, _row, refused) => {
      if (refused.sqlstate === error.code) found = refused;
      throw stop;
    },
  };
  try {
    await conn.exec(`rollback; begin; set local lock_timeout = ${lockTimeout}`, { signal });
    // In order, each chunk's good rows kept: a row refused for what an earlier one did (a duplicate
    // key within the kept chunks) is refused again.
    for (const chunk of recent.chunks) await copyChunkWithRejects(job, chunk);
  } catch (failure) {
    if (failure !== stop) found = null;
  } finally {
    await conn.exec('rollback', { timeout: 5_000 }).catch(() => {});
  }
  return found;
}
