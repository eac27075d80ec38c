/**
 * Infers a CREATE TABLE from a sample of rows, for loading a file into a table that does not exist
 * yet. Each column gets the narrowest of boolean, integer, bigint, numeric, double precision, date,
 * timestamptz, uuid, jsonb and text that every non-empty sample value fits; NULL and '' say nothing,
 * and a column with nothing but them is text. No NOT NULL is inferred: a sample cannot prove it.
 */
import { LoadConfigError } from '../errors.ts';
import { targetColumnNames } from './column-names.ts';
import { parseQualifiedName, quoteIdent, quoteQualified } from './identifiers.ts';
import { combineKinds, type InferredType, valueKind } from './value-kind.ts';

export type { InferredType } from './value-kind.ts';

export interface InferredColumn {
  name: string;
  type: InferredType;
  /** Sample rows in which the value was NULL, '' or missing. */
  nulls: number;
}

/**
 * One column per header name (or col1..colN without a header), named by `targetColumnNames`, the
 * function mapping uses too: blank names become colN, repeated ones get `_2`, long ones are cut to 63
 * bytes. `width` defaults to the header's length or, without one, the widest sample row.
 */
export function inferColumns(
  names: readonly string[] | null,
  sampleRows: readonly (readonly unknown[])[],
  width?: number,
): InferredColumn[] {
  if (width === undefined) {
    width = names?.length ?? 0;
    for (const row of sampleRows) width = Math.max(width, row.length);
  }
  const kinds: (InferredType | null)[] = new Array(width).fill(null);
  const nulls: number[] = new Array(width).fill(0);
  for (const row of sampleRows) {
    for (let i = 0; i < width; i++) {
      const kind = valueKind(row[i]);
      if (kind === null) nulls[i]!++;
      else kinds[i] = kinds[i] === null ? kind : combineKinds(kinds[i]!, kind);
    }
  }
  const columnNames = targetColumnNames(names, width);
  return columnNames.map((name, i) => ({ name, type: kinds[i] ?? 'text', nulls: nulls[i]! }));
}

export interface CreateTableOptions {
  /** `create table if not exists`. */
  ifNotExists?: boolean;
}

/** `create table "schema"."name" ("col" type, …)`; `qualifiedName` is parsed like a load's `table`. */
export function createTableSql(
  qualifiedName: string,
  columns: readonly InferredColumn[],
  options: CreateTableOptions = {},
): string {
  if (columns.length === 0) throw new LoadConfigError(`cannot create ${qualifiedName} without columns`);
  const table = quoteQualified(parseQualifiedName(qualifiedName));
  const body = columns.map((c) => `  ${quoteIdent(c.name)} ${c.type}`).join(',\n');
  return `create table ${options.ifNotExists ? 'if not exists ' : ''}${table} (\n${body}\n)`;
}
