/**
 * The encoder's bad rows: each error says the source line, the column and value when one field was at
 * fault, and the SQLSTATE the server would have used, so a row refused here reads like one the server
 * refused. Building them must stay cheap: reject mode builds one per bad row.
 */
import { SqlState } from '@haul/protocol';
import { BadRowError, preview } from '../errors.ts';
import type { TargetColumn } from '../schema/target.ts';
import type { FieldBatch } from '../source/field-batch.ts';

const textDecoder = new TextDecoder();

/** A row with more or fewer fields than every row must have, said the way COPY says it (22P04). */
export function widthError(
  plan: { width: number; columns: readonly TargetColumn[]; fieldIndex: readonly number[] },
  line: number,
  found: number,
  what: 'fields' | 'values',
): BadRowError {
  const { width, columns, fieldIndex } = plan;
  const missing = columns.find((_, c) => fieldIndex[c]! >= found);
  const why =
    found > width
      ? 'extra data after last expected column'
      : `missing data for column ${JSON.stringify(missing?.name ?? `field ${found + 1}`)}`;
  return new BadRowError(`line ${line}: expected ${width} ${what}, found ${found}: ${why}`, {
    line,
    sqlstate: SqlState.BadCopyFileFormat,
    ...(found < width && missing ? { column: missing.name } : {}),
  });
}

/** Throws for a NULL in a NOT NULL column (23502), before the row is sent. */
export function checkNotNull(column: TargetColumn, line: number): void {
  if (column.notNull) {
    throw new BadRowError(`line ${line}, column ${column.name}: null value violates not-null constraint`, {
      line,
      column: column.name,
      sqlstate: SqlState.NotNullViolation,
    });
  }
}

/**
 * Runs a generator with stack traces off while it runs (not while its consumer does). In reject mode a
 * bad row's errors are data for the rejects sink, never debugged, and capturing a stack for each was
 * most of the cost of a file of bad rows (2 errors per row, ~10 µs each).
 */
export function* withoutStacks<T>(inner: Generator<T>): Generator<T> {
  // V8's and JavaScriptCore's knob (not in the DOM typings); elsewhere setting it does nothing.
  const errors = Error as ErrorConstructor & { stackTraceLimit?: number };
  try {
    for (;;) {
      const limit = errors.stackTraceLimit;
      errors.stackTraceLimit = 0;
      let next: IteratorResult<T>;
      try {
        next = inner.next();
      } finally {
        errors.stackTraceLimit = limit;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    inner.return(undefined);
  }
}

export function fieldError(error: unknown, line: number, column: TargetColumn, value: string): BadRowError {
  if (error instanceof BadRowError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new BadRowError(
    `line ${line}, column ${column.name} (${column.formatType}): ${reason}; value ${JSON.stringify(preview(value))}`,
    { line, column: column.name, value: preview(value) },
    { cause: error },
  );
}

export function asBadRow(error: unknown, line: number): BadRowError {
  if (error instanceof BadRowError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new BadRowError(`line ${line}: ${reason}`, { line }, { cause: error });
}

/** A row's original text without its line terminator. */
export function rawRowText(batch: FieldBatch, r: number): string {
  let end = batch.rowStart[r + 1]!;
  const start = batch.rowStart[r]!;
  while (end > start && (batch.bytes[end - 1] === 0x0a || batch.bytes[end - 1] === 0x0d)) end--;
  return textDecoder.decode(batch.bytes.subarray(start, end));
}

export function safeJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value)
    );
  } catch {
    return String(value);
  }
}
