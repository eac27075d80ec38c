/**
 * Object rows (NDJSON, JSON, objects in memory) map to columns by key, in every row: a key matches a
 * column by name (exactly, else ignoring case when only one column matches), whatever keys the first
 * row happened to have.
 *
 * PostgreSQL's COPY takes one column list for all its rows, fixed before the first row is sent, so it
 * cannot give a column its default in some rows and a value in others. The list is therefore:
 *  - with `columns`: exactly those columns;
 *  - else every writable column some row of the first batch has a key for, plus every writable column
 *    without a default (for those, an absent key means NULL — what the server would store for a
 *    column left out — so a key first seen in a later row still loads).
 * Then, in each row:
 *  - a key with no column (or naming a generated column, or one outside `columns`) is a bad row
 *    naming the key and line, unless `ignoreUnknown`;
 *  - a key for a column with a default (or identity) that the list left out, because no row of the
 *    first batch had it, is a bad row: it cannot be loaded by this COPY, and dropping it would lose it;
 *  - an absent key (or an `undefined` value) for a column in the list: NULL when the column has no
 *    default; a bad row when it has one, as NULL would silently replace the default the server would
 *    have used. (A key whose value is null is NULL, as given.)
 * Mistakes no row can escape are LoadConfigErrors here: an unknown name in `columns`, no key of the
 * first batch naming any column, a NOT NULL column without a default that no first-batch key fills.
 */
import { BadRowError, LoadConfigError, preview } from '../errors.ts';
import { explicitColumnNames, targetColumnNames, truncateIdentifier } from './column-names.ts';
import { type ColumnMapping, checkRequired, findColumn, list } from './mapping.ts';
import type { TargetColumn, TargetTable } from './target.ts';

export interface KeyMappingInput {
  table: TargetTable;
  /** Every key of the first batch's rows, in the order first seen. */
  keys: readonly string[];
  /** The columns to load (each read from the key of its name); overrides the choice from the keys. */
  explicit?: readonly string[];
  /** Skip keys that fill no column instead of refusing their row. */
  ignoreUnknown?: boolean;
}

/** Why a key fills no column of the COPY list: the negative results of KeyIndex.resolve. */
export const KeyMiss = {
  /** The table has no such column. */
  Unknown: -1,
  /** A generated column: computed by the server, never loaded. */
  Generated: -2,
  /** A column left out of an explicit `columns` list. */
  Unlisted: -3,
  /** A column with a default that no first-batch row named, so the COPY list left it out. */
  Late: -4,
} as const;

/** Distinct keys remembered; past this, keys are looked up every time (a hostile source's keys are not kept). */
const MAX_CACHED_KEYS = 10_000;

export function mapKeys(input: KeyMappingInput): ColumnMapping {
  const { table, keys, explicit, ignoreUnknown = false } = input;
  const allowed =
    explicit === undefined
      ? table.columns.filter((c) => !c.generated)
      : listed(table, explicitColumnNames(explicit), ignoreUnknown);
  const names = keyNames(keys);
  const named = new Set<TargetColumn>();
  const ignored: string[] = [];
  for (const key of keys) {
    const column = findColumn(table, names.get(key)!);
    if (column !== undefined && allowed.includes(column)) named.add(column);
    else if (ignoreUnknown) ignored.push(key);
  }
  if (named.size === 0) {
    throw new LoadConfigError(
      `no key of the source's first rows (${list(keys.slice(0, 20))}${keys.length > 20 ? ', …' : ''}) ` +
        `names a column of ${table.qualified} (its columns: ${list(table.columns.map((c) => c.name))})`,
    );
  }
  checkRequired(table, [...named]);
  const columns = explicit === undefined ? allowed.filter((c) => named.has(c) || !takesDefault(c)) : allowed;
  return {
    columns,
    // Not a width rows are held to: object rows have their keys, not a field count.
    width: columns.length,
    fieldIndex: columns.map((_, i) => i),
    keyIndex: new KeyIndex(table, columns, explicit !== undefined, ignoreUnknown, names),
    ignored,
  };
}

/**
 * The column name each first-batch key stands for: the name createTable gives it (column-names.ts:
 * blank → colN, cut to 63 bytes, repeated after the cut → name_2), so a table created from the keys is
 * the table they then map onto. Keys first seen later are cut like any identifier.
 */
function keyNames(keys: readonly string[]): Map<string, string> {
  const names = targetColumnNames(keys, keys.length);
  return new Map(keys.map((key, i) => [key, names[i]!]));
}

/** The column gets a value of the server's own when left out: a default or an identity. */
export function takesDefault(column: TargetColumn): boolean {
  return column.hasDefault || column.identity !== '';
}

/** Which column of the COPY list each key fills, and the bad-row errors for keys that fill none. */
export class KeyIndex {
  private readonly cache = new Map<string, number>();

  constructor(
    private readonly table: TargetTable,
    /** The COPY column list. */
    readonly columns: readonly TargetColumn[],
    private readonly explicit: boolean,
    private readonly ignoreUnknown: boolean,
    /** Target names of the first batch's keys (keyNames). */
    private readonly names: ReadonlyMap<string, string>,
  ) {}

  /** The column `key` names, whether it fills one of this COPY or not. */
  private columnOf(key: string): TargetColumn | undefined {
    return findColumn(this.table, this.names.get(key) ?? truncateIdentifier(key));
  }

  /** The index in the COPY list of the column `key` fills, or a (negative) KeyMiss. */
  resolve(key: string): number {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const column = this.columnOf(key);
    let index: number;
    if (column === undefined) index = KeyMiss.Unknown;
    else if (column.generated) index = KeyMiss.Generated;
    else {
      const at = this.columns.indexOf(column);
      index = at >= 0 ? at : this.explicit ? KeyMiss.Unlisted : KeyMiss.Late;
    }
    if (this.cache.size < MAX_CACHED_KEYS) this.cache.set(key, index);
    return index;
  }

  /** The key is dropped rather than refusing its row: only with ignoreUnknown, never a Late one. */
  skips(miss: number): boolean {
    return this.ignoreUnknown && miss !== KeyMiss.Late;
  }

  /** The bad row for a key that fills no column. */
  missError(key: string, miss: number, line: number): BadRowError {
    const table = this.table.qualified;
    const name = JSON.stringify(key);
    const column = miss === KeyMiss.Unknown ? undefined : this.columnOf(key)?.name;
    let why: string;
    switch (miss) {
      case KeyMiss.Generated:
        why = `is a generated column of ${table}, computed by the server and never loaded; drop the key or pass ignoreUnknownColumns`;
        break;
      case KeyMiss.Unlisted:
        why = `names column ${JSON.stringify(column)}, which is not in the columns list; add it there or pass ignoreUnknownColumns`;
        break;
      case KeyMiss.Late:
        why =
          `names column ${JSON.stringify(column)}, which has a default and no key in the first rows, so the COPY ` +
          'column list (fixed from those rows before any was sent) leaves it out for its default; ' +
          'name it in the columns list to load it';
        break;
      default:
        why =
          `: ${table} has no such column (its columns: ${list(this.table.columns.map((c) => c.name))}); ` +
          'pass ignoreUnknownColumns to skip unknown keys';
        return new BadRowError(`line ${line}: key ${name}${why}`, { line, value: preview(key) });
    }
    return new BadRowError(`line ${line}: key ${name} ${why}`, {
      line,
      value: preview(key),
      ...(column !== undefined ? { column } : {}),
    });
  }

  /** The bad row for an absent key whose column has a default that NULL would silently replace. */
  absentError(column: TargetColumn, line: number): BadRowError {
    const name = JSON.stringify(column.name);
    return new BadRowError(
      `line ${line}: no key for column ${name}, which has a default: one COPY cannot give it the default in ` +
        'some rows and a value in others; give every row the key (null for NULL)',
      { line, column: column.name },
    );
  }

  /** The bad row for two keys of one row that fill the same column. */
  clashError(first: string, second: string, column: TargetColumn, line: number): BadRowError {
    return new BadRowError(
      `line ${line}: keys ${JSON.stringify(first)} and ${JSON.stringify(second)} both map to column ${JSON.stringify(column.name)}`,
      { line, column: column.name },
    );
  }
}

/** The explicit `columns` list resolved: unknown and generated names are config errors (or skipped). */
function listed(table: TargetTable, names: readonly string[], ignoreUnknown: boolean): TargetColumn[] {
  const columns: TargetColumn[] = [];
  const unknown: string[] = [];
  const generated: string[] = [];
  for (const name of names) {
    const column = findColumn(table, name);
    if (column === undefined) unknown.push(name);
    else if (column.generated) generated.push(name);
    else if (columns.includes(column)) {
      throw new LoadConfigError(`columns list names column ${JSON.stringify(column.name)} more than once`);
    } else columns.push(column);
  }
  if (ignoreUnknown) return columns;
  if (unknown.length > 0) {
    throw new LoadConfigError(
      `columns list: ${table.qualified} has no column ${list(unknown)} (its columns: ${list(table.columns.map((c) => c.name))})`,
    );
  }
  if (generated.length > 0) {
    throw new LoadConfigError(
      `columns list: ${list(generated)} ${generated.length === 1 ? 'is a generated column' : 'are generated columns'} ` +
        `of ${table.qualified}, computed by the server and never loaded`,
    );
  }
  return columns;
}
