/**
 * GET /v1/tables (relations outside the system schemas, with the planner's row estimate) and
 * GET /v1/tables/:table (columns as the loader sees them), for the playground's pickers.
 */
// Not exported by @haul/loader's entry, but it is the loader's own reading of a target table, so the
// playground shows exactly the columns a load would map onto.
import { LoadConfigError, readTable } from '@haul/loader';
import type { Hono } from 'hono';
import { type AppEnv, type RouteDeps, withConnection } from './deadline.ts';
import { jsonError } from './errors.ts';

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

export interface TableSummary {
  schema: string;
  name: string;
  kind: string;
  /** pg_class.reltuples; null when the table was never analyzed or vacuumed. */
  estimatedRows: number | null;
}

export interface ColumnSummary {
  name: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  identity: 'always' | 'by default' | null;
  generated: boolean;
}

export function tableRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  app.get('/v1/tables', async (c) => {
    const tables = await withConnection(deps, async (conn) => {
      const { rows } = await conn.query<TableSummary>(TABLES_SQL);
      return rows;
    });
    return c.json({ tables });
  });

  app.get('/v1/tables/:table', async (c) => {
    const name = c.req.param('table');
    try {
      const table = await withConnection(deps, (conn) => readTable(conn, name));
      const columns: ColumnSummary[] = table.columns.map((col) => ({
        name: col.name,
        type: col.formatType,
        notNull: col.notNull,
        hasDefault: col.hasDefault,
        identity: col.identity === 'a' ? 'always' : col.identity === 'd' ? 'by default' : null,
        generated: col.generated,
      }));
      return c.json({ schema: table.schema, name: table.name, columns });
    } catch (error) {
      if (error instanceof LoadConfigError) return jsonError(c, 404, error.message);
      throw error;
    }
  });
}
