/**
 * The table pickers' data, as the worker's GET /v1/tables and /v1/tables/:table give it
 * (apps/worker/src/routes/tables.ts): the loader's own catalog reading over a Connection onto
 * PGlite, so the page shows exactly the columns an offline load maps onto.
 */
import { LoadConfigError, listTables as listCatalogTables, readTableDetail } from '@haul/loader';
import type { TableDetail, TableSummary } from '../contract.ts';
import type { PGliteSessions } from './session.ts';

export function listTables(sessions: PGliteSessions): Promise<TableSummary[]> {
  return sessions.withConnection((conn) => listCatalogTables(conn));
}

/** null when `name` names no table or view. */
export async function describeTable(sessions: PGliteSessions, name: string): Promise<TableDetail | null> {
  try {
    return await sessions.withConnection((conn) => readTableDetail(conn, name));
  } catch (error) {
    if (error instanceof LoadConfigError) return null;
    throw error;
  }
}
