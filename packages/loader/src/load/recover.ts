/**
 * `haul recover`: loads whose coordinator died between PREPARE TRANSACTION and the last COMMIT
 * PREPARED. Shard 0 commits first, so: shard 0 still prepared → nothing committed yet, roll back;
 * shard 0 gone → ask the server how its transaction ended (txid_status) and follow it.
 */
import type { Connection } from '@haul/protocol';
import type { ConnectionOptions, PreparedLoad, RecoverResult } from '../api.ts';
import { resolveConnector } from '../connect.ts';
import { LoadConfigError } from '../errors.ts';
import { quoteLiteral } from './sql-literal.ts';
import { parseGid } from './two-phase.ts';

interface PreparedRow {
  gid: string;
  database: string;
  prepared: Date;
}

export async function listPreparedLoads(options: ConnectionOptions): Promise<PreparedLoad[]> {
  const conn = await resolveConnector(options)();
  try {
    return await readPreparedLoads(conn);
  } finally {
    await conn.close();
  }
}

async function readPreparedLoads(conn: Connection): Promise<(PreparedLoad & { gids: string[] })[]> {
  const { rows } = await conn.query<PreparedRow>(
    `select gid, database, prepared from pg_prepared_xacts where gid like 'haul:%' and database = current_database() order by prepared`,
  );
  const loads = new Map<string, PreparedLoad & { gids: string[]; xid: string }>();
  for (const row of rows) {
    const parts = parseGid(row.gid);
    if (!parts) continue;
    let load = loads.get(parts.loadId);
    if (!load) {
      load = {
        loadId: parts.loadId,
        database: row.database,
        table: parts.table,
        shards: parts.shards,
        prepared: [],
        preparedAt: new Date(row.prepared),
        decision: 'unknown',
        gids: [],
        xid: parts.decidingXid,
      };
      loads.set(parts.loadId, load);
    }
    load.prepared.push(parts.shard);
    load.gids.push(row.gid);
  }
  for (const load of loads.values()) {
    load.prepared.sort((a, b) => a - b);
    if (load.prepared.includes(0)) {
      load.decision = 'rollback';
      continue;
    }
    const status = await conn.query<{ status: string | null }>('select txid_status($1::bigint) as status', [
      load.xid,
    ]);
    const verdict = status.rows[0]?.status;
    load.decision = verdict === 'committed' ? 'commit' : verdict === 'aborted' ? 'rollback' : 'unknown';
  }
  return [...loads.values()].map(({ xid: _xid, ...load }) => load);
}

/**
 * Commits or rolls back what is left of a prepared load. 'auto' follows the load's decision and
 * refuses when it cannot be known (the deciding transaction is too old for txid_status).
 */
export async function recoverLoad(
  options: ConnectionOptions,
  loadId: string,
  action: 'commit' | 'rollback' | 'auto',
): Promise<RecoverResult> {
  const conn = await resolveConnector(options)();
  try {
    const load = (await readPreparedLoads(conn)).find((candidate) => candidate.loadId === loadId);
    if (!load) throw new LoadConfigError(`no prepared load "${loadId}" on this server`);
    const verdict = action === 'auto' ? load.decision : action;
    if (verdict === 'unknown') {
      throw new LoadConfigError(
        `load "${loadId}": cannot tell whether shard 0 committed; choose --commit or --rollback`,
      );
    }
    const result: RecoverResult = { loadId, committed: 0, rolledBack: 0 };
    // Roll back from the highest shard down, so shard 0 (the decision) goes last.
    const gids = [...load.gids].sort((a, b) => (parseGid(b)?.shard ?? 0) - (parseGid(a)?.shard ?? 0));
    for (const gid of gids) {
      await conn.exec(`${verdict === 'commit' ? 'commit' : 'rollback'} prepared ${quoteLiteral(gid)}`);
      if (verdict === 'commit') result.committed++;
      else result.rolledBack++;
    }
    return result;
  } finally {
    await conn.close();
  }
}
