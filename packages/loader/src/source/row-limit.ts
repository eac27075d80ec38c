/**
 * The most bytes one source row may take. A parser holds a row whole until its end arrives, so without
 * a bound a stream with no line ending (or a gzip bomb that inflates into one row) would take all the
 * memory there is. PostgreSQL's own bound, 1 GB per field, bounds nothing a loader can afford.
 */
import { SqlState } from '@haul/protocol';
import { BadRowError } from '../errors.ts';

export const DEFAULT_MAX_ROW_BYTES = 64 * 1024 * 1024;

/** Checks a `maxRowBytes` option; returns the bound to use. */
export function maxRowBytesOf(value: number | undefined): number {
  const bound = value ?? DEFAULT_MAX_ROW_BYTES;
  if (!Number.isSafeInteger(bound) || bound < 1) {
    throw new RangeError(`maxRowBytes must be a positive whole number of bytes (got ${value})`);
  }
  return bound;
}

/**
 * The error for a row that has grown past the bound: fatal whatever onError says, since the row's end
 * (where the next row starts) cannot be known without reading it. SQLSTATE 54000 as the server uses it
 * for its own limits (program_limit_exceeded).
 */
export function rowTooLong(line: number, limit: number, seen: number): BadRowError {
  return new BadRowError(
    `line ${line}: the row starting here is longer than maxRowBytes (${limit} bytes; ${seen} read and no end ` +
      'yet): a missing line ending or an unterminated quote? Raise maxRowBytes if rows really are that long',
    { line, sqlstate: SqlState.ProgramLimitExceeded },
  );
}
