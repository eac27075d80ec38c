/**
 * The table pickers' data, in the shapes of the worker's GET /v1/tables and /v1/tables/:table
 * (apps/worker/src/routes/tables.ts). Columns come from the loader's own catalog reading, so the page
 * shows exactly the columns an offline load maps onto.
 */
import { LoadConfigError, listTables as listCatalogTables, tableDetail } from '@haul/loader';
import { readTargetTable } from '@haul/loader/copy-encode';
import type { TableDetail, TableSummary } from '../contract.ts';
import { type Queryable, sqlRunner } from './database.ts';

export function listTables(db: Queryable): Promise<TableSummary[]> {
  return listCatalogTables(db);
}

/** null when `name` names no table or view. */
export async function describeTable(db: Queryable, name: string): Promise<TableDetail | null> {
  try {
    const table = await readTargetTable(sqlRunner(db), name);
    return tableDetail(table);
  } catch (error) {
    if (error instanceof LoadConfigError) return null;
    throw error;
  }
}
