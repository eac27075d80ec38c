/**
 * The table pickers' data, in the shapes of the worker's GET /v1/tables and /v1/tables/:table
 * (apps/worker/src/routes/tables.ts). Columns come from the loader's own catalog reading, so the page
 * shows exactly the columns an offline load maps onto.
 */
import { LoadConfigError } from '@haul/loader';
import { readTargetTable } from '@haul/loader/copy-encode';
import type { TableDetail, TableSummary } from '../contract.ts';
import { type Queryable, sqlRunner } from './database.ts';

// The worker's query (not exported from the worker app): relations outside the system schemas, with
// the planner's row estimate (null until the table is analyzed or vacuumed).
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

export async function listTables(db: Queryable): Promise<TableSummary[]> {
  const { rows } = await db.query<TableSummary>(TABLES_SQL);
  return rows.map((row) => ({ ...row }));
}

/** null when `name` names no table or view. */
export async function describeTable(db: Queryable, name: string): Promise<TableDetail | null> {
  try {
    const table = await readTargetTable(sqlRunner(db), name);
    return {
      schema: table.schema,
      name: table.name,
      columns: table.columns.map((column) => ({
        name: column.name,
        type: column.formatType,
        notNull: column.notNull,
        hasDefault: column.hasDefault,
        identity: column.identity !== '',
        generated: column.generated,
      })),
    };
  } catch (error) {
    if (error instanceof LoadConfigError) return null;
    throw error;
  }
}
