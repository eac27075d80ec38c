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

/** The load failed and was rolled back; `cause` is the first error (a BadRowError, a PostgresError…). */
export class LoadFailedError extends HaulError {
  override name = 'LoadFailedError';
  /** With `createTable`: the table this load created, and whether it was dropped again. */
  readonly createdTable?: ProvisionalTableOutcome;
  constructor(
    message: string,
    /** The load's id, as in `haul recover`. */
    readonly loadId: string,
    /** True when nothing of it is committed; false only if a commit barrier was broken midway. */
    readonly rolledBack: boolean,
    options?: { cause?: unknown; createdTable?: ProvisionalTableOutcome },
  ) {
    super(message, options);
    if (options?.createdTable) this.createdTable = options.createdTable;
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
