/**
 * How an atomic load keeps its promise, chosen before any data moves (`commit: 'auto'`, the default):
 *
 * - one shard: its own COMMIT ('single'), atomic on every server;
 * - several shards where the server allows prepared transactions: two-phase commit;
 * - several shards where it does not (`max_prepared_transactions = 0`, as on most managed services):
 *   one shard. Measured on the bench's 1M-row, 128 MB CSV into a table with a primary key (PG 15,
 *   2 cores, 3 interleaved rounds): one shard 1.37–1.66 s, two shards through the barrier 1.55–1.87 s,
 *   staged at 2 shards 2.67–3.07 s and at 4 shards 2.60–3.06 s (of which the publish 1.32–1.57 s),
 *   psql `\copy` 1.90–2.31 s. The publish's INSERT … SELECT is one backend doing what a binary COPY
 *   does, so a staged append costs at least a one-shard load on top of staging, on any number of
 *   cores: staging pays only for what only it gives (resume, conflict handling, replace).
 *
 * The barrier (every shard COMMITs at once; a connection lost between the first COMMIT and the last
 * leaves part of the load committed) is never chosen: it runs only when asked for, `commit: 'barrier'`.
 */
import type { LoadReport } from '../api.ts';
import { LoadConfigError } from '../errors.ts';
import type { Settings } from './settings.ts';

export interface CommitChoice {
  commit: LoadReport['commit'];
  /** The most shards the load may use: fewer than asked when the mechanism needs it. */
  shards: number;
  /** Why fewer shards than asked, for the report. */
  shardsReason?: string;
}

export function chooseCommit(
  settings: Pick<Settings, 'mode' | 'commit' | 'shards'>,
  maxPreparedTransactions: number,
): CommitChoice {
  const { shards } = settings;
  if (settings.mode === 'batches') return { commit: 'batches', shards };
  switch (settings.commit) {
    case 'staged':
      return { commit: 'staged', shards };
    case 'barrier':
      return { commit: shards === 1 ? 'single' : 'barrier', shards };
    case 'two-phase':
      if (maxPreparedTransactions === 0) {
        throw new LoadConfigError(
          "commit 'two-phase' needs prepared transactions, and the server allows none " +
            "(max_prepared_transactions = 0); use commit 'staged', or 'auto' (one shard)",
        );
      }
      return capped('two-phase', shards, maxPreparedTransactions);
    case 'auto':
      if (shards === 1) return { commit: 'single', shards };
      if (maxPreparedTransactions > 0) return capped('two-phase', shards, maxPreparedTransactions);
      return {
        commit: 'single',
        shards: 1,
        shardsReason:
          `1 of ${shards} used: the server allows no prepared transactions (max_prepared_transactions = 0), ` +
          "where one shard's COMMIT is the fastest all-or-nothing load; commit 'staged' uses them all",
      };
  }
}

/** Each shard holds one prepared transaction at the end: no more shards than the server can prepare. */
function capped(commit: 'two-phase', shards: number, maxPrepared: number): CommitChoice {
  if (shards <= maxPrepared) return { commit, shards };
  return {
    commit: maxPrepared === 1 ? 'single' : commit,
    shards: maxPrepared,
    shardsReason: `${maxPrepared} of ${shards} used: the server prepares at most ${maxPrepared} transactions at once (max_prepared_transactions)`,
  };
}
