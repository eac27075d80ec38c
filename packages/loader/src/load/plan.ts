/**
 * Before anything is sent: the target table (created from the first rows when asked), the column
 * mapping, and the COPY format (for 'auto', auto-format.ts); text names the column that forced it in
 * the report.
 */
import type { Connection } from '@haul/protocol';
import type { FromText as FieldConverter } from '@haul/protocol/types';
import type { LoadOptions } from '../api.ts';
import { LoadConfigError } from '../errors.ts';
import { readTable, type SessionSettings } from '../schema/catalog.ts';
import { converterFor } from '../schema/column-converter.ts';
import { quoteIdent } from '../schema/identifiers.ts';
import { createTableSql, type InferredColumn } from '../schema/infer.ts';
import { mapKeys } from '../schema/key-mapping.ts';
import { type ColumnMapping, mapColumns } from '../schema/mapping.ts';
import type { TargetTable } from '../schema/target.ts';
import type { DelimitedDialect } from '../source/dialect.ts';
import type { RowBatch, RowReader } from '../source/row-reader.ts';
import { autoFormat } from './auto-format.ts';
import type { ShardFormat } from './dealer.ts';
import { newTableColumns, standInTable } from './new-table.ts';
import { copyOptionsFor } from './raw-rows.ts';

export interface LoadPlan {
  table: TargetTable;
  mapping: ColumnMapping;
  /** Fields every text or positional row must have (the mapping's); a row of another width is bad. */
  width: number;
  /** 'mixed': raw and binary shards, each batch dealt to one or the other (dealer.ts). */
  format: 'binary' | 'text' | 'raw' | 'mixed';
  textReason?: string;
  converters: FieldConverter[];
  /** The COPY statement of each shard format the load uses. */
  copySql: Partial<Record<ShardFormat, string>>;
  createdTable?: string;
}

/** How a missing table gets made for `createTable`. */
export interface TableCreator {
  /**
   * Creates `table` with `columns` and returns the table the load goes into: the new table, or a
   * stage that becomes it at the publish (staged-create.ts); false when `table` exists by then
   * (another load created it meanwhile).
   */
  create(conn: Connection, table: string, columns: readonly InferredColumn[]): Promise<string | false>;
}

/**
 * CREATE TABLE on `conn`, inside whatever transaction it is in: right for one session that loads in
 * one transaction (PGlite's), where a failed load rolls the table back with it. `load()` uses
 * create-table.ts instead: its shards are other sessions, which an uncommitted table is invisible to.
 */
export const createInPlace: TableCreator = {
  async create(conn, table, columns) {
    await conn.exec(createTableSql(table, columns));
    return table;
  },
};

export async function planLoad(
  conn: Connection,
  options: LoadOptions,
  reader: RowReader,
  first: RowBatch | null,
  /** The source's delimited-text dialect; null for JSON and rows in memory. */
  dialect: DelimitedDialect | null,
  session: SessionSettings,
  creator: TableCreator = createInPlace,
): Promise<LoadPlan> {
  let createdTable: string | undefined;
  let table: TargetTable;
  try {
    table = await readTable(conn, options.table);
  } catch (error) {
    if (!options.createTable || !(error instanceof LoadConfigError)) throw error;
    const columns = newTableColumns(options, reader, first);
    // Whatever would refuse the load on the new table refuses it now, before the table exists.
    copyColumns(standInTable(options.table, columns), options, reader, first, dialect);
    const into = await creator.create(conn, options.table, columns);
    if (into !== false) createdTable = createTableSql(options.table, columns);
    table = await readTable(conn, into === false ? options.table : into);
    if (createdTable) checkCreatedNames(table, columns);
  }
  const { mapping, rawFits } = copyColumns(table, options, reader, first, dialect);
  const converters: FieldConverter[] = [];
  let textReason: string | undefined;
  for (const column of mapping.columns) {
    const converter = converterFor(column, {
      timeZone: session.timeZone,
      serverVersion: session.serverVersionNum,
      intervalStyle: session.intervalStyle,
      lcMonetary: session.lcMonetary,
    });
    if (converter) converters.push(converter);
    else textReason ??= `column ${column.name} (${column.formatType}) has no binary converter`;
  }
  const wanted = options.copyFormat ?? 'auto';
  if (wanted === 'text') textReason = 'copyFormat: text';
  if (textReason && (wanted === 'binary' || wanted === 'mixed')) {
    throw new LoadConfigError(`copyFormat '${wanted}' is not possible: ${textReason}`);
  }
  if (wanted === 'mixed' && options.mode === 'batches') {
    // A batch's chunks all go to one shard, which runs one COPY format.
    throw new LoadConfigError("copyFormat 'mixed' is not possible in mode 'batches'");
  }
  const format = wanted === 'auto' ? autoFormat(options, { rawFits, textReason }) : wanted;
  const columnList = mapping.columns.map((column) => quoteIdent(column.name)).join(', ');
  const copy = (options: string) => `copy ${table.qualified} (${columnList}) from stdin (${options})`;
  const rawSql = () => (dialect ? copy(copyOptionsFor(dialect)) : '');
  const copySql: Partial<Record<ShardFormat, string>> =
    format === 'mixed'
      ? { binary: copy('format binary'), raw: rawSql() }
      : format === 'raw'
        ? { raw: rawSql() }
        : { [format]: copy(`format ${format}`) };
  return {
    table,
    mapping,
    width: mapping.width,
    format,
    ...(textReason && format === 'text' ? { textReason } : {}),
    converters,
    copySql,
    ...(createdTable ? { createdTable } : {}),
  };
}

/** The column mapping, and whether raw pass-through fits it (a LoadConfigError if raw is demanded and does not). */
function copyColumns(
  table: TargetTable,
  options: LoadOptions,
  reader: RowReader,
  first: RowBatch | null,
  dialect: DelimitedDialect | null,
): { mapping: ColumnMapping; rawFits: boolean } {
  const explicit = options.columns ? { explicit: options.columns } : {};
  const ignoreUnknown = options.ignoreUnknownColumns ?? false;
  const mapping =
    reader.byKey && reader.header
      ? mapKeys({ table, keys: reader.header, ...explicit, ignoreUnknown })
      : mapColumns({
          table,
          header: reader.header,
          ...explicit,
          firstRowWidth: reader.firstRowWidth,
          ignoreUnknown,
        });
  const rawFits =
    dialect !== null &&
    first?.kind !== 'values' &&
    mapping.columns.length === mapping.width &&
    mapping.fieldIndex.every((field, column) => field === column);
  if ((options.copyFormat === 'raw' || options.copyFormat === 'mixed') && !rawFits) {
    throw new LoadConfigError(
      `copyFormat '${options.copyFormat}' needs CSV/TSV input whose fields map one to one, in order, onto the columns`,
    );
  }
  return { mapping, rawFits };
}

/**
 * The server cuts identifiers in its own encoding: on a server whose encoding is not UTF-8 a long
 * name may come out other than the 63 UTF-8 bytes it was planned with. Said here, not as "no column".
 */
function checkCreatedNames(table: TargetTable, columns: readonly InferredColumn[]): void {
  const stored = table.columns.map((column) => column.name);
  const planned = columns.map((column) => column.name);
  const differs = planned.findIndex((name, i) => stored[i] !== name);
  if (differs >= 0 || stored.length !== planned.length) {
    throw new LoadConfigError(
      `${table.qualified} was created with column ${JSON.stringify(stored[differs] ?? '')} for ` +
        `${JSON.stringify(planned[differs] ?? '')}: the server shortened the name differently ` +
        '(is server_encoding not UTF8?); name the columns with a shorter columns list',
    );
  }
}
