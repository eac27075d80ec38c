/**
 * All-or-nothing commit across shards. With two-phase commit every shard PREPAREs, then shard 0
 * commits first and the rest follow: shard 0's fate is the load's decision. The other shards' gids
 * carry shard 0's transaction id, so after a crash `haul recover` can ask the server whether shard 0
 * committed (txid_status) and finish the load either way. Without it, a commit barrier: every shard
 * COMMITs at once after all have finished, which leaves a window (a connection lost between the
 * first and the last COMMIT) where part of the load is committed; the report says so.
 */
import { type Connection, PostgresError, type QueryOptions } from '@haul/protocol';
import { CommitError } from '../errors.ts';
import { quoteLiteral } from './sql-literal.ts';

const GID_PREFIX = 'haul:';
const GID_MAX = 200;
/** Milliseconds a ROLLBACK PREPARED may take while undoing a failed prepare phase. */
const UNDO_TIMEOUT = 5_000;

export interface GidParts {
  loadId: string;
  shard: number;
  shards: number;
  /** Shard 0's transaction id (xid8 as text). */
  decidingXid: string;
  table: string;
}

/** `haul:<loadId>:<shard>:<shards>:<xid of shard 0>:<table>`, the table cut to fit 200 bytes. */
export function formatGid(parts: GidParts): string {
  const head = `${GID_PREFIX}${parts.loadId}:${parts.shard}:${parts.shards}:${parts.decidingXid}:`;
  let table = parts.table;
  while (new TextEncoder().encode(head + table).length >= GID_MAX) table = table.slice(0, -1);
  return head + table;
}

export function parseGid(gid: string): GidParts | null {
  const match = /^haul:([A-Za-z0-9_.-]+):(\d+):(\d+):(\d+):(.*)$/s.exec(gid);
  if (!match) return null;
  return {
    loadId: match[1]!,
    shard: Number(match[2]),
    shards: Number(match[3]),
    decidingXid: match[4]!,
    table: match[5]!,
  };
}

export interface CommitParticipant {
  index: number;
  conn: Connection;
}

/**
 * Commits every participant's open transaction, all or nothing as far as the server allows.
 * Throws (after rolling everything back) if a PREPARE fails; a failure after shard 0 committed
 * leaves prepared transactions for `haul recover`, and the CommitError says so.
 */
export async function commitTwoPhase(
  participants: readonly CommitParticipant[],
  gid: (index: number) => string,
  /** The caller's way out (Ctrl+C): these statements otherwise wait as long as the server takes. */
  options: QueryOptions = {},
): Promise<void> {
  const results = await Promise.allSettled(
    participants.map(({ conn, index }) =>
      conn.exec(`prepare transaction ${quoteLiteral(gid(index))}`, options),
    ),
  );
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) {
    // Shard 0 last: while it is still prepared, recover reads the load as undecided → roll back.
    const order = [...participants.keys()].sort((a, b) => participants[b]!.index - participants[a]!.index);
    for (const i of order) {
      const { conn, index } = participants[i]!;
      const sql =
        results[i]!.status === 'fulfilled' ? `rollback prepared ${quoteLiteral(gid(index))}` : 'rollback';
      // Best effort: whatever stays prepared is listed by `haul recover` and resolved as a rollback.
      await conn.exec(sql, { timeout: UNDO_TIMEOUT }).catch(() => {});
    }
    throw (failed as PromiseRejectedResult).reason;
  }
  const first = participants.find((p) => p.index === 0)!;
  await first.conn.exec(`commit prepared ${quoteLiteral(gid(0))}`, options);
  const rest = participants.filter((p) => p.index !== 0);
  const commits = await Promise.allSettled(
    rest.map(({ conn, index }) => conn.exec(`commit prepared ${quoteLiteral(gid(index))}`, options)),
  );
  const lost = commits.findIndex((result) => result.status === 'rejected');
  if (lost >= 0) {
    const committed = 1 + commits.filter((result) => result.status === 'fulfilled').length;
    throw new CommitError(
      `the load committed, but COMMIT PREPARED failed for shard ${rest[lost]!.index}: run \`haul recover --auto\` to finish it`,
      'commit-prepared',
      rest[lost]!.index,
      committed,
      participants.length,
      false,
      { cause: (commits[lost] as PromiseRejectedResult).reason },
    );
  }
}

/** The barrier: every shard COMMITs at once. A failed COMMIT throws CommitError: the barrier broke. */
export async function commitBarrier(
  participants: readonly CommitParticipant[],
  options: QueryOptions = {},
): Promise<void> {
  const results = await Promise.allSettled(participants.map(({ conn }) => conn.exec('commit', options)));
  const failed = results.findIndex((result) => result.status === 'rejected');
  if (failed >= 0) {
    const committed = results.filter((result) => result.status === 'fulfilled').length;
    // A COMMIT the server answers with an error rolled its transaction back; one lost on the way
    // (the connection broke) may have committed.
    const refused = results.every(
      (result) => result.status === 'rejected' && result.reason instanceof PostgresError,
    );
    throw new CommitError(
      `COMMIT failed on shard ${participants[failed]!.index} after ${committed} of ${participants.length} shards committed`,
      'commit',
      participants[failed]!.index,
      committed,
      participants.length,
      refused,
      { cause: (results[failed] as PromiseRejectedResult).reason },
    );
  }
}
