/** Errors the loader throws; each says where (source line, column, value) and, from the server, SQLSTATE. */
import { HaulError } from '@haul/protocol';
import type { ProvisionalTableOutcome, RejectedRow } from './api.ts';

export interface RowLocation {
  /** 1-based source line where the row starts; 0 when unknown. */
  line: number;
  /** Target column name, when one field was at fault. */
  column?: string;
  /** The offending value as text (truncated to 200 characters), when known. */
  value?: string;
  /** The server's SQLSTATE, when the server rejected it. */
  sqlstate?: string;
}

/**
 * A row was bad: its input could not be parsed or converted, or the server refused it. The load it
 * belonged to was rolled back (onError 'abort').
 */
export class BadRowError extends HaulError implements RowLocation {
  override name = 'BadRowError';
  readonly line: number;
  readonly column?: string;
  readonly value?: string;
  readonly sqlstate?: string;
  constructor(message: string, where: RowLocation, options?: { cause?: unknown }) {
    super(message, options);
    this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
    if (where.value !== undefined) this.value = where.value;
    if (where.sqlstate !== undefined) this.sqlstate = where.sqlstate;
  }
}

/** The load was set up wrongly: no such table, unknown columns, a bad option. Nothing was sent. */
export class LoadConfigError extends HaulError {
  override name = 'LoadConfigError';
}

/**
 * The source's bytes are not what they claim to be: a gzip stream that is truncated or corrupt. The
 * input is at fault (an HTTP 400), not the server; `offset` is how many decompressed bytes came out
 * before the stream broke. gzip checks its CRC only at the end, so rows before that point may have
 * been sent: the load fails and rolls back like any other (in 'batches' mode, batches committed before
 * the end stay).
 */
export class SourceError extends HaulError {
  override name = 'SourceError';
  constructor(
    message: string,
    /** Decompressed bytes produced before the failure. */
    readonly offset: number,
    /** 'truncated': the stream ends early; 'corrupt': its data or checksum is wrong; 'unreadable': one of the two. */
    readonly reason: 'truncated' | 'corrupt' | 'unreadable',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Where a load was when it failed: before its first COPY, sending rows, or committing them. */
export type LoadPhase = 'setup' | 'copy' | 'commit';

/**
 * The load failed; `cause` is the first error (a BadRowError, a PostgresError, a CommitError…).
 * Whether anything of it stayed committed is `rolledBack` and `committedShards`, set where that was
 * decided (a CommitError says it for a broken commit), never read back from a message.
 */
export class LoadFailedError extends HaulError {
  override name = 'LoadFailedError';
  /** With `createTable`: the table this load created, and whether it was dropped again. */
  readonly createdTable?: ProvisionalTableOutcome;
  /** Shards whose transaction committed (atomic mode): 0 unless the commit broke midway. */
  readonly committedShards: number;
  readonly phase: LoadPhase;
  /**
   * What became of the load's rows, in the words the message ends with ("nothing was committed;
   * table t was dropped again"); absent when the message does not say (a broken commit says it itself).
   */
  readonly fate?: string;
  constructor(
    message: string,
    /** The load's id, as in `haul recover`. */
    readonly loadId: string,
    /** True when nothing of it is committed; false only if a commit was broken midway. */
    readonly rolledBack: boolean,
    options?: {
      cause?: unknown;
      createdTable?: ProvisionalTableOutcome;
      committedShards?: number;
      phase?: LoadPhase;
      fate?: string;
    },
  ) {
    super(message, options);
    if (options?.createdTable) this.createdTable = options.createdTable;
    this.committedShards = options?.committedShards ?? 0;
    this.phase = options?.phase ?? 'copy';
    if (options?.fate !== undefined) this.fate = options.fate;
  }
}

/**
 * A COMMIT across shards failed: by the two-phase commit when a COMMIT PREPARED after shard 0's fails
 * (the load committed; `haul recover --auto` finishes it), by the commit barrier when a COMMIT fails
 * (then some shards may have committed and others not).
 */
export class CommitError extends HaulError {
  override name = 'CommitError';
  constructor(
    message: string,
    /** The statement that failed: a follower's COMMIT PREPARED (two-phase) or a COMMIT (barrier). */
    readonly phase: 'commit-prepared' | 'commit',
    /** The shard whose statement failed (the first, if several did). */
    readonly shard: number,
    readonly committedShards: number,
    readonly shards: number,
    /** True only when every COMMIT was refused by the server, which then rolled each one back. */
    readonly rolledBack: boolean,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** More rows were rejected than `maxRejects` allows: the load stops and rolls back. */
export class RejectLimitError extends HaulError {
  override name = 'RejectLimitError';
  constructor(
    readonly limit: number,
    /** Source line of the row one past the limit. */
    readonly line: number,
  ) {
    super(`more than ${limit} rows rejected (maxRejects ${limit}); the next was at line ${line}`);
  }
}

/** The source inflated past `maxInputBytes` (counted after decompression): the load rolls back. */
export class InputLimitError extends HaulError {
  override name = 'InputLimitError';
  constructor(
    readonly limit: number,
    /** Source bytes read when the limit was noticed (at most one batch past it). */
    readonly bytesRead: number,
  ) {
    super(
      `the source is larger than maxInputBytes (${limit} bytes after decompression; ${bytesRead} read): ` +
        'nothing is loaded',
    );
  }
}

/** The server stopped making progress for `stallTimeout` ms while the load waited on it. */
export class StallError extends HaulError {
  override name = 'StallError';
  constructor(
    readonly timeoutMs: number,
    /** What the load was waiting for: a shard to take a chunk, the COPYs to end, or the commit. */
    readonly waitingFor: 'shards' | 'copy end' | 'commit',
  ) {
    super(
      `no progress from the server for ${timeoutMs} ms while waiting for ${waitingFor === 'shards' ? 'a shard to take the next chunk' : waitingFor === 'copy end' ? 'the COPYs to finish' : 'the commit'} (stallTimeout): the server or the network stopped answering`,
    );
  }
}

/** Shortens a value for an error message. */
export function preview(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** A refused row as `onReject` and the rejects file report it: where, what, and the row's text. */
export function rejectedRow(error: BadRowError, text: string): RejectedRow {
  return {
    line: error.line,
    text,
    error: error.message,
    ...(error.column !== undefined ? { column: error.column } : {}),
    ...(error.sqlstate !== undefined ? { sqlstate: error.sqlstate } : {}),
  };
}
