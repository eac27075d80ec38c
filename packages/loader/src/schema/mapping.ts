/**
 * Which source field fills which target column: the COPY column list and, for each column, where its
 * value comes from. Every mistake that can be seen before any row is sent (unknown, duplicate or
 * generated columns, a NOT NULL column nobody fills) is a LoadConfigError here, naming the columns.
 *
 * Three ways to map, first match wins:
 *  1. `explicit` names: field i fills column explicit[i].
 *  2. `header` names (a CSV header line, or the first object's keys): matched to column names exactly,
 *     else case-insensitively when exactly one column matches.
 *  3. By position over the writable columns (not generated, attnum order), as COPY without a column
 *     list does: every row has one field per writable column. With `ignoreUnknown`, a first row that
 *     is wider says how many fields every row has, the extra ones dropped. A narrower source names its
 *     columns (`explicit`).
 *
 * The mapping also fixes how many fields every row must have (`width`): the header's, the columns
 * list's, or the writable columns'. Never the first data row's alone: a short first row would make
 * every later row's fields slide into the wrong columns. A row of another width is a bad row.
 *
 * Identity columns, GENERATED ALWAYS ones included, are writable: COPY stores provided values as
 * INSERT … OVERRIDING SYSTEM VALUE would.
 */
import { LoadConfigError } from '../errors.ts';
import type { TargetColumn, TargetTable } from './target.ts';

export interface MappingInput {
  table: TargetTable;
  /** Header names / first object's keys, in source order; null for positional rows. */
  header: readonly string[] | null;
  /** Target column names for the source's fields, in source order (overrides the header). */
  explicit?: readonly string[];
  /** Field count of the first row (0 when the source is empty). */
  firstRowWidth: number;
  /** Drop source columns the table does not have (or cannot take) instead of failing. */
  ignoreUnknown?: boolean;
}

export interface ColumnMapping {
  /** The COPY column list, in order. */
  columns: TargetColumn[];
  /** Fields (or positional values) every row must have; a row of another width is a bad row. */
  width: number;
  /** For each column, the index of the source field (in the header / row) that feeds it. */
  fieldIndex: number[];
  /**
   * For each column, the key to read from object rows: the header name at fieldIndex (for explicit
   * lists without a header, the column name). Absent for positional mappings.
   */
  keys?: string[];
  /** Source fields left out (by name; `field N`, 1-based, when they have none), with ignoreUnknown. */
  ignored: string[];
}

export function mapColumns(input: MappingInput): ColumnMapping {
  const { table, header, explicit } = input;
  let mapping: ColumnMapping;
  if (explicit !== undefined) mapping = byNames(input, explicit, 'columns list', header);
  else if (header !== null) mapping = byNames(input, header, 'source header', header);
  else mapping = byPosition(input);
  if (mapping.columns.length === 0) {
    throw new LoadConfigError(`no source column maps to a column of ${table.qualified}`);
  }
  checkRequired(table, mapping.columns);
  return mapping;
}

/** Names → columns; `keySource` gives object keys (the header when there is one). */
function byNames(
  input: MappingInput,
  names: readonly string[],
  what: string,
  keySource: readonly string[] | null,
): ColumnMapping {
  const { table, ignoreUnknown = false } = input;
  if (what === 'columns list' && input.header !== null && input.header.length !== names.length) {
    throw new LoadConfigError(
      `the columns list names ${names.length} columns but the source's header has ` +
        `${input.header.length} fields: name one column for every field`,
    );
  }
  rejectDuplicates(names, what);
  const columns: TargetColumn[] = [];
  const fieldIndex: number[] = [];
  const keys: string[] = [];
  const ignored: string[] = [];
  const unknown: string[] = [];
  const generated: string[] = [];
  const taken = new Map<TargetColumn, string>();
  names.forEach((name, i) => {
    const column = findColumn(table, name);
    if (column === undefined || column.generated) {
      if (ignoreUnknown) ignored.push(name === '' ? `field ${i + 1}` : name);
      else (column ? generated : unknown).push(name);
      return;
    }
    const earlier = taken.get(column);
    if (earlier !== undefined) {
      throw new LoadConfigError(
        `${what}: ${JSON.stringify(earlier)} and ${JSON.stringify(name)} both map to column ` +
          `${JSON.stringify(column.name)} of ${table.qualified}`,
      );
    }
    taken.set(column, name);
    columns.push(column);
    fieldIndex.push(i);
    keys.push(keySource?.[i] ?? column.name);
  });
  if (unknown.length > 0) {
    throw new LoadConfigError(
      `${what}: ${table.qualified} has no column ${list(unknown)} ` +
        `(its columns: ${list(table.columns.map((c) => c.name))}); ` +
        'pass ignoreUnknownColumns to skip unknown source columns',
    );
  }
  if (generated.length > 0) {
    throw new LoadConfigError(
      `${what}: ${list(generated)} ${generated.length === 1 ? 'is a generated column' : 'are generated columns'} ` +
        `of ${table.qualified}, computed by the server and never loaded; ` +
        'drop them from the source or pass ignoreUnknownColumns',
    );
  }
  return { columns, width: names.length, fieldIndex, keys, ignored };
}

function byPosition(input: MappingInput): ColumnMapping {
  const { table, firstRowWidth, ignoreUnknown = false } = input;
  const writable = table.columns.filter((c) => !c.generated);
  let width = writable.length;
  const ignored: string[] = [];
  // A wider row is a bad row like any other (COPY's "extra data after last expected column"), unless
  // extra fields are to be dropped: then the first row says how many there are.
  if (firstRowWidth > writable.length && ignoreUnknown) {
    width = firstRowWidth;
    for (let i = writable.length; i < width; i++) ignored.push(`field ${i + 1}`);
  }
  return { columns: writable, width, fieldIndex: writable.map((_, i) => i), ignored };
}

/** A column the source leaves out gets its default, or NULL: that must be allowed. */
function checkRequired(table: TargetTable, mapped: readonly TargetColumn[]): void {
  const provided = new Set(mapped);
  const missing = table.columns.filter(
    (c) => !provided.has(c) && c.notNull && !c.hasDefault && c.identity === '' && !c.generated,
  );
  if (missing.length > 0) {
    throw new LoadConfigError(
      `${table.qualified}: ${list(missing.map((c) => c.name))} ${missing.length === 1 ? 'is' : 'are'} ` +
        'NOT NULL without a default, and the source does not provide ' +
        (missing.length === 1 ? 'it' : 'them'),
    );
  }
}

/** Exact name first; else the one column equal ignoring case (none when several are). */
function findColumn(table: TargetTable, name: string): TargetColumn | undefined {
  const exact = table.columns.find((c) => c.name === name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  const loose = table.columns.filter((c) => c.name.toLowerCase() === lower);
  return loose.length === 1 ? loose[0] : undefined;
}

function rejectDuplicates(names: readonly string[], what: string): void {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) duplicates.add(name);
    seen.add(name);
  }
  if (duplicates.size > 0) throw new LoadConfigError(`${what} names ${list([...duplicates])} more than once`);
}

function list(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(', ');
}
