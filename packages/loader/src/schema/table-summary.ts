/**
 * What a table picker shows: the relations outside the system schemas, and a table's columns as the
 * loader sees them (so a page lists exactly the columns a load would map onto). One definition for the
 * worker's GET /v1/tables routes and the playground's offline PGlite engine.
 */
import type { Connection } from '@haul/protocol';
import { readTable } from './catalog.ts';
import type { TargetTable } from './target.ts';
import { readUniqueKeys } from './unique-keys.ts';

export interface TableSummary {
  schema: string;
  name: string;
  /** 'table', 'partitioned table', 'view', 'materialized view' or 'foreign table'. */
  kind: string;
  /** pg_class.reltuples; null when the table was never analyzed or vacuumed. */
  estimatedRows: number | null;
}

export interface ColumnSummary {
  name: string;
  /** format_type(): `numeric(10,2)`, `timestamp with time zone`, … */
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  identity: 'always' | 'by default' | null;
  generated: boolean;
}

export interface TableDetail {
  schema: string;
  name: string;
  columns: ColumnSummary[];
  /** Its primary key (first) and unique indexes a conflict-handling load may name as `key`. */
  uniqueKeys: string[][];
}

/** The one call listing needs: a protocol Connection and PGlite both have it. */
export interface CatalogQuery {
  query<T>(sql: string): Promise<{ rows: T[] }>;
}

const TABLES_SQL = `
select n.nspname as schema, c.relname as name,
  case c.relkind when 'r' then 'table' when 'p' then 'partitioned table' when 'v' then 'view'
    when 'm' then 'materialized view' when 'f' then 'foreign table' end as kind,
  case when c.reltuples < 0 then null else c.reltuples::float8 end as "estimatedRows"
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm', 'f')
  and n.nspname not in ('pg_catalog', 'information_schema')
  and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'
order by 1, 2`;

export async function listTables(db: CatalogQuery): Promise<TableSummary[]> {
  const { rows } = await db.query<TableSummary>(TABLES_SQL);
  // Plain objects: drivers may hand back rows with extra machinery attached.
  return rows.map((row) => ({
    schema: row.schema,
    name: row.name,
    kind: row.kind,
    estimatedRows: row.estimatedRows,
  }));
}

/** A table read by `readTable` in the pickers' shape. */
/** `name` as a picker shows it: the loader's reading of its columns, and its unique keys. */
export async function readTableDetail(conn: Connection, name: string): Promise<TableDetail> {
  const table = await readTable(conn, name);
  const keys = await readUniqueKeys(conn, table);
  keys.sort((a, b) => Number(b.primary) - Number(a.primary));
  return tableDetail(
    table,
    keys.map((key) => [...key.columns]),
  );
}

export function tableDetail(table: TargetTable, uniqueKeys: string[][] = []): TableDetail {
  return {
    schema: table.schema,
    name: table.name,
    columns: table.columns.map((column) => ({
      name: column.name,
      type: column.formatType,
      notNull: column.notNull,
      hasDefault: column.hasDefault,
      identity: column.identity === 'a' ? 'always' : column.identity === 'd' ? 'by default' : null,
      generated: column.generated,
    })),
    uniqueKeys,
  };
}
