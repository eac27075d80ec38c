/**
 * `haul recover` for createTable: tables a load created and no load committed into, left marked by a
 * crash (or kept by a failed load because another session held them). Settling one applies the same
 * rules as a failed load's cleanup (create-table.ts): dropped when nothing uses it and it is empty,
 * else kept (its marker cleared once it has rows).
 */
import type { ConnectionOptions, ProvisionalTableListing, ProvisionalTableOutcome } from '../api.ts';
import { resolveConnector } from '../connect.ts';
import { listProvisional, settleProvisional } from './create-table.ts';

export async function listProvisionalTables(options: ConnectionOptions): Promise<ProvisionalTableListing[]> {
  const conn = await resolveConnector(options)();
  try {
    return await listProvisional(conn);
  } finally {
    await conn.close();
  }
}

/**
 * Settles every provisional table (or those `loadId` created). Resolve prepared loads first: a
 * prepared transaction holding a table keeps it ("a session or prepared transaction holds it").
 */
export async function settleProvisionalTables(
  options: ConnectionOptions,
  loadId?: string,
): Promise<ProvisionalTableOutcome[]> {
  const conn = await resolveConnector(options)();
  try {
    const outcomes: ProvisionalTableOutcome[] = [];
    for (const { table, createdBy } of await listProvisional(conn)) {
      if (loadId !== undefined && createdBy !== loadId) continue;
      const outcome = await settleProvisional(conn, table);
      if (outcome) outcomes.push(outcome);
    }
    return outcomes;
  } finally {
    await conn.close();
  }
}
