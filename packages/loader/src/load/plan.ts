/**
 * Before anything is sent: the target table (created from the first rows when asked), the column
 * mapping, and the COPY format — binary when every column has a text→binary converter, else text,
 * with the column that forced it named in the report.
 */
import type { Connection } from '@haul/protocol';
import type { LoadOptions } from '../api.ts';
import type { FieldConverter } from '../convert/converter.ts';
import { converterFor } from '../convert/registry.ts';
import { LoadConfigError } from '../errors.ts';
import { readSessionSettings, readTable } from '../schema/catalog.ts';
import { quoteIdent } from '../schema/identifiers.ts';
import { createTableSql, inferColumns } from '../schema/infer.ts';
import { type ColumnMapping, mapColumns } from '../schema/mapping.ts';
import type { TargetTable } from '../schema/target.ts';
import type { DelimitedDialect } from '../source/dialect.ts';
import { FIELD_NULL } from '../source/field-batch.ts';
import type { RowBatch, RowReader } from '../source/row-reader.ts';
import { copyOptionsFor } from './raw-rows.ts';

export interface LoadPlan {
  table: TargetTable;
  mapping: ColumnMapping;
  /** Fields every text or positional row must have (the mapping's); a row of another width is bad. */
  width: number;
  format: 'binary' | 'text' | 'raw';
  textReason?: string;
  converters: FieldConverter[];
  copySql: string;
  maxPreparedTransactions: number;
  createdTable?: string;
}

export async function planLoad(
  conn: Connection,
  options: LoadOptions,
  reader: RowReader,
  first: RowBatch | null,
  /** The source's delimited-text dialect; null for JSON and rows in memory. */
  dialect: DelimitedDialect | null,
): Promise<LoadPlan> {
  let createdTable: string | undefined;
  let table: TargetTable;
  try {
    table = await readTable(conn, options.table);
  } catch (error) {
    if (!options.createTable || !(error instanceof LoadConfigError)) throw error;
    createdTable = await createFromSample(conn, options.table, reader, first);
    table = await readTable(conn, options.table);
  }
  const session = await readSessionSettings(conn);
  const mapping = mapColumns({
    table,
    header: reader.header,
    ...(options.columns ? { explicit: options.columns } : {}),
    firstRowWidth: reader.firstRowWidth,
    ignoreUnknown: options.ignoreUnknownColumns ?? false,
  });
  const converters: FieldConverter[] = [];
  let textReason: string | undefined;
  for (const column of mapping.columns) {
    const converter = converterFor(column, {
      timeZone: session.timeZone,
      serverVersion: session.serverVersionNum,
    });
    if (converter) converters.push(converter);
    else textReason ??= `column ${column.name} (${column.formatType}) has no binary converter`;
  }
  const wanted = options.copyFormat ?? 'auto';
  if (wanted === 'text') textReason = 'copyFormat: text';
  if (textReason && wanted === 'binary') {
    throw new LoadConfigError(`copyFormat 'binary' is not possible: ${textReason}`);
  }
  const rawFits =
    dialect !== null &&
    first?.kind !== 'values' &&
    mapping.columns.length === mapping.width &&
    mapping.fieldIndex.every((field, column) => field === column);
  if (wanted === 'raw' && !rawFits) {
    throw new LoadConfigError(
      "copyFormat 'raw' needs CSV/TSV input whose fields map one to one, in order, onto the columns",
    );
  }
  const format = wanted === 'raw' || (wanted === 'auto' && rawFits) ? 'raw' : textReason ? 'text' : 'binary';
  const columnList = mapping.columns.map((column) => quoteIdent(column.name)).join(', ');
  const copyOptions = format === 'raw' && dialect ? copyOptionsFor(dialect) : `format ${format}`;
  return {
    table,
    mapping,
    width: mapping.width,
    format,
    ...(textReason && format === 'text' ? { textReason } : {}),
    converters,
    copySql: `copy ${table.qualified} (${columnList}) from stdin (${copyOptions})`,
    maxPreparedTransactions: session.maxPreparedTransactions,
    ...(createdTable ? { createdTable } : {}),
  };
}

const SAMPLE_ROWS = 1000;
const textDecoder = new TextDecoder();

async function createFromSample(
  conn: Connection,
  name: string,
  reader: RowReader,
  first: RowBatch | null,
): Promise<string> {
  const width = reader.header?.length ?? reader.firstRowWidth;
  if (width === 0) throw new LoadConfigError(`cannot create ${name} from an empty source`);
  const names = reader.header ? [...reader.header] : Array.from({ length: width }, (_, i) => `col${i + 1}`);
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
      sample.push(Array.isArray(row) ? [...row] : names.map((key) => (row as Record<string, unknown>)[key]));
    }
  }
  const sql = createTableSql(name, inferColumns(names, sample));
  await conn.exec(sql);
  return sql;
}
