/**
 * The table `createTable` makes: columns inferred from the first rows (up to 1000 of the first batch),
 * named by the same function mapping uses (`targetColumnNames`, or the explicit columns list), so the
 * table created is the one the source then maps onto. `standInTable` gives the catalog view of those
 * columns, for checking the mapping before anything is created.
 */
import type { LoadOptions } from '../api.ts';
import { LoadConfigError } from '../errors.ts';
import { explicitColumnNames } from '../schema/column-names.ts';
import { parseQualifiedName, quoteQualified } from '../schema/identifiers.ts';
import { type InferredColumn, inferColumns } from '../schema/infer.ts';
import type { TargetColumn, TargetTable } from '../schema/target.ts';
import { FIELD_NULL } from '../source/field-batch.ts';
import type { RowBatch, RowReader } from '../source/row-reader.ts';

const SAMPLE_ROWS = 1000;
const textDecoder = new TextDecoder();

/** One column per source field: the explicit list's names, else the header's, else col1..colN. */
export function newTableColumns(
  options: Pick<LoadOptions, 'table' | 'columns'>,
  reader: RowReader,
  first: RowBatch | null,
): InferredColumn[] {
  const explicit = options.columns ? explicitColumnNames(options.columns) : null;
  const width = explicit?.length ?? reader.header?.length ?? reader.firstRowWidth;
  if (width === 0) throw new LoadConfigError(`cannot create ${options.table} from an empty source`);
  const keys = reader.header;
  const sample: unknown[][] = [];
  if (first?.kind === 'fields') {
    const b = first.batch;
    for (let r = 0; r < Math.min(b.rowCount, SAMPLE_ROWS); r++) {
      const row: (string | null)[] = [];
      for (let f = b.rowField[r]!; f < b.rowField[r + 1]!; f++) {
        row.push(
          b.fieldFlags[f]! & FIELD_NULL
            ? null
            : textDecoder.decode(b.bytes.subarray(b.fieldStart[f]!, b.fieldEnd[f]!)),
        );
      }
      sample.push(row);
    }
  } else if (first?.kind === 'values') {
    for (const row of first.batch.rows.slice(0, SAMPLE_ROWS)) {
      // Object rows are read by their keys (the header), whatever the columns are called.
      sample.push(
        Array.isArray(row) ? [...row] : (keys ?? []).map((key) => (row as Record<string, unknown>)[key]),
      );
    }
  }
  return inferColumns(explicit ?? keys, sample, width);
}

/** The table `columns` would make, as readTable would report it: for planning before it exists. */
export function standInTable(table: string, columns: readonly InferredColumn[]): TargetTable {
  const parsed = parseQualifiedName(table);
  return {
    schema: parsed.schema ?? '',
    name: parsed.name,
    qualified: quoteQualified(parsed),
    columns: columns.map((column, i) => plainColumn(column.name, column.type, i + 1)),
  };
}

/** A nullable column of base type `type` with no default, as readTable reports one (its OID unknown: 0). */
export function plainColumn(name: string, type: string, position: number): TargetColumn {
  return {
    name,
    position,
    typeOid: 0,
    typeName: type,
    formatType: type,
    typmod: -1,
    typtype: 'b',
    baseTypeName: type,
    baseTyptype: 'b',
    baseTypmod: -1,
    elementTypeName: null,
    elementOid: null,
    elementBaseTypeName: null,
    elementBaseTyptype: null,
    notNull: false,
    hasDefault: false,
    identity: '',
    generated: false,
  };
}
