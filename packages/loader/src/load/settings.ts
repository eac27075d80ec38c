/**
 * A load's settings: every option checked and defaulted before anything is opened, so a wrong one
 * is a LoadConfigError that has sent nothing.
 */
import type { LoadOptions } from '../api.ts';
import { LoadConfigError } from '../errors.ts';
import { maxRowBytesOf } from '../source/row-limit.ts';

const DEFAULT_SHARDS = 4;
const MAX_SHARDS = 64;
const DEFAULT_CHUNK = 256 << 10;
const DEFAULT_BATCH_ROWS = 100_000;
const DEFAULT_STALL_TIMEOUT = 60_000;
/** A week: long enough to come back to a failed load after a weekend, short enough not to pile up. */
const DEFAULT_ABANDONED_STAGE = 7 * 24 * 3600 * 1000;

/** The values of `LoadOptions.commit`, for the CLI's and the worker's parameter checks. */
export const COMMIT_CHOICES = [
  'auto',
  'two-phase',
  'staged',
  'barrier',
] as const satisfies readonly NonNullable<LoadOptions['commit']>[];

export interface Settings {
  loadId: string;
  shards: number;
  mode: 'atomic' | 'batches';
  /** Atomic loads: how they commit (commit-choice.ts decides 'auto' once the server is known). */
  commit: 'auto' | 'two-phase' | 'staged' | 'barrier';
  /** What a staged load does with a key the target has ('error': append); 'skip'/'update' need `key`. */
  conflict: 'error' | 'skip' | 'update';
  key: readonly string[];
  /** Staged: the publish deletes the target's rows first, in its one transaction. */
  replace: boolean;
  abandonedStageMs: number;
  onError: 'abort' | 'reject';
  batchRows: number;
  chunkBytes: number;
  progressInterval: number;
  lockTimeout: number;
  maxRejects: number;
  maxRowBytes: number;
  maxInputBytes: number;
  stallTimeout: number;
}

export function validate(options: LoadOptions): Settings {
  const loadId = options.loadId ?? crypto.randomUUID();
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(loadId)) {
    throw new LoadConfigError(
      `loadId must be 1-64 characters of A-Z a-z 0-9 _ . - (got ${JSON.stringify(loadId)})`,
    );
  }
  const shards = options.shards === undefined || options.shards === 'auto' ? DEFAULT_SHARDS : options.shards;
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new LoadConfigError(
      `shards must be an integer from 1 to ${MAX_SHARDS} or 'auto' (got ${options.shards})`,
    );
  }
  const mode = options.mode ?? 'atomic';
  if (mode !== 'atomic' && mode !== 'batches')
    throw new LoadConfigError(`mode must be 'atomic' or 'batches'`);
  const conflict = options.conflict ?? 'error';
  if (conflict !== 'error' && conflict !== 'skip' && conflict !== 'update') {
    throw new LoadConfigError(`conflict must be 'error', 'skip' or 'update'`);
  }
  const key = options.key ?? [];
  if (conflict !== 'error' && key.length === 0) {
    throw new LoadConfigError(
      `conflict '${conflict}' needs key: the columns of a primary key or unique index`,
    );
  }
  if (conflict === 'error' && key.length > 0)
    throw new LoadConfigError(`key needs conflict 'skip' or 'update'`);
  const replace = options.replace ?? false;
  if (typeof replace !== 'boolean') throw new LoadConfigError('replace must be true or false');
  // Handling existing keys, or replacing the rows, is a publish of a stage: it implies the staged commit.
  const commit = options.commit ?? (conflict === 'error' && !replace ? 'auto' : 'staged');
  if (!(COMMIT_CHOICES as readonly string[]).includes(commit))
    throw new LoadConfigError(`commit must be one of ${COMMIT_CHOICES.map((c) => `'${c}'`).join(', ')}`);
  if (replace && commit !== 'staged') {
    throw new LoadConfigError(`replace publishes a staged load; it needs commit 'staged'`);
  }
  if (conflict !== 'error' && commit !== 'staged') {
    throw new LoadConfigError(`conflict '${conflict}' publishes a staged load; it needs commit 'staged'`);
  }
  if (commit !== 'auto' && mode !== 'atomic') {
    throw new LoadConfigError(
      `commit '${commit}' is an atomic load's commit; mode 'batches' commits each batch itself`,
    );
  }
  const abandonedStageMs = options.abandonedStageMs ?? DEFAULT_ABANDONED_STAGE;
  if (!Number.isInteger(abandonedStageMs) || abandonedStageMs < 0) {
    throw new LoadConfigError('abandonedStageMs must be a whole number of ms (0: never drop)');
  }
  const onError = options.onError ?? 'abort';
  if (onError !== 'abort' && onError !== 'reject')
    throw new LoadConfigError(`onError must be 'abort' or 'reject'`);
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1)
    throw new LoadConfigError('batchRows must be a positive integer');
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1024)
    throw new LoadConfigError('chunkBytes must be at least 1024');
  const lockTimeout = options.lockTimeout ?? 5000;
  if (!Number.isInteger(lockTimeout) || lockTimeout < 0) {
    throw new LoadConfigError('lockTimeout must be a whole number of ms');
  }
  const maxRejects = options.maxRejects ?? Number.POSITIVE_INFINITY;
  if (!(maxRejects >= 0) || (maxRejects !== Number.POSITIVE_INFINITY && !Number.isInteger(maxRejects))) {
    throw new LoadConfigError('maxRejects must be a whole number of rows (0 or more)');
  }
  const maxInputBytes = options.maxInputBytes ?? Number.POSITIVE_INFINITY;
  if (!(maxInputBytes > 0)) throw new LoadConfigError('maxInputBytes must be a positive number of bytes');
  const stallTimeout = options.stallTimeout ?? DEFAULT_STALL_TIMEOUT;
  if (!Number.isInteger(stallTimeout) || stallTimeout < 0) {
    throw new LoadConfigError('stallTimeout must be a whole number of ms (0: no limit)');
  }
  let maxRowBytes: number;
  try {
    maxRowBytes = maxRowBytesOf(options.maxRowBytes);
  } catch (error) {
    throw new LoadConfigError((error as Error).message);
  }
  return {
    loadId,
    shards,
    maxRejects,
    maxRowBytes,
    maxInputBytes,
    stallTimeout,
    mode,
    commit,
    conflict,
    key,
    replace,
    abandonedStageMs,
    onError,
    batchRows,
    chunkBytes,
    progressInterval: options.progressInterval ?? 250,
    lockTimeout,
  };
}
