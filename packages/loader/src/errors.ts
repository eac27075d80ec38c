/** Errors the loader throws; each says where (source line, column, value) and, from the server, SQLSTATE. */
import { HaulError } from '@haul/protocol';
import type { RejectedRow } from './api.ts';

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

/** The load failed and was rolled back; `cause` is the first error (a BadRowError, a PostgresError…). */
export class LoadFailedError extends HaulError {
  override name = 'LoadFailedError';
  constructor(
    message: string,
    /** The load's id, as in `haul recover`. */
    readonly loadId: string,
    /** True when nothing of it is committed; false only if a commit barrier was broken midway. */
    readonly rolledBack: boolean,
    options?: { cause?: unknown },
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
