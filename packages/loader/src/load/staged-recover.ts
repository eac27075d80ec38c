/**
 * Staged loads that never published (staged-load.ts): listed for `haul recover`, dropped by load id
 * or by age. A load a run is using (its run lock held) is never dropped; a drop takes the lock for
 * its own transaction, so no run can start on a stage being dropped.
 */
import type { Connection } from '@haul/protocol';
import type { ConnectionOptions, StagedLoadListing } from '../api.ts';
import { resolveConnector } from '../connect.ts';
import { LoadConfigError } from '../errors.ts';
import { LOADS_TABLE, RUN_LOCK, STAGE_LEDGER } from './stage-tables.ts';

/** Milliseconds each statement of a drop may take: recovery must not hang on a busy server. */
const DROP_TIMEOUT = 10_000;

interface StagedRow {
  load_id: string;
  target: string;
  publish: string;
  stage: string;
  created_at: Date;
  batches: string;
  rows: string;
  running: boolean;
}

async function hasCatalog(conn: Connection): Promise<boolean> {
  const { rows } = await conn.query<{ ok: boolean }>(
    'select to_regclass($1) is not null and to_regclass($2) is not null as ok',
    [LOADS_TABLE, STAGE_LEDGER.qualified],
  );
  return rows[0]?.ok === true;
}

async function readStaged(conn: Connection): Promise<StagedRow[]> {
  if (!(await hasCatalog(conn))) return [];
  const { rows } = await conn.query<StagedRow>(
    `select l.load_id, l.target, l.publish, l.stage, l.created_at,
            count(b.batch_no)::text as batches, coalesce(sum(b.row_count), 0)::text as rows,
            exists (select from pg_locks k
                     where k.locktype = 'advisory' and k.granted and k.database = (select oid from pg_database where datname = current_database())
                       and k.classid = $1::int8::oid and k.objid = (hashtext(l.load_id)::int8 & 4294967295)::oid
                       and k.objsubid = 2) as running
       from ${LOADS_TABLE} l left join ${STAGE_LEDGER.qualified} b on b.load_id = l.load_id
      where l.state = 'staging'
      group by l.load_id order by l.created_at`,
    [RUN_LOCK],
  );
  return rows;
}

function listing(row: StagedRow): StagedLoadListing {
  return {
    loadId: row.load_id,
    table: row.target,
    publish: row.publish,
    batches: Number(row.batches),
    rows: Number(row.rows),
    createdAt: new Date(row.created_at),
    running: row.running,
  };
}

export async function listStagedLoads(options: ConnectionOptions): Promise<StagedLoadListing[]> {
  const conn = await resolveConnector(options)();
  try {
    return (await readStaged(conn)).map(listing);
  } finally {
    await conn.close();
  }
}

/** Drops one staged load's stage, ledger rows and loads row, in one transaction; false if a run holds it. */
async function dropOne(conn: Connection, row: Pick<StagedRow, 'load_id' | 'stage'>): Promise<boolean> {
  return conn.transaction(
    async (tx) => {
      const { rows } = await tx.query<{ ok: boolean }>(
        'select pg_try_advisory_xact_lock($1, hashtext($2)) as ok',
        [RUN_LOCK, row.load_id],
      );
      if (!rows[0]?.ok) return false;
      await tx.exec(`drop table if exists ${row.stage}`);
      await tx.query(`delete from ${STAGE_LEDGER.qualified} where load_id = $1`, [row.load_id]);
      await tx.query(`delete from ${LOADS_TABLE} where load_id = $1 and state = 'staging'`, [row.load_id]);
      return true;
    },
    { timeout: DROP_TIMEOUT },
  );
}

/** Drops the staged load `loadId` (nothing is published); refuses one a run is using. */
export async function dropStagedLoad(options: ConnectionOptions, loadId: string): Promise<StagedLoadListing> {
  const conn = await resolveConnector(options)();
  try {
    const row = (await readStaged(conn)).find((candidate) => candidate.load_id === loadId);
    if (!row) throw new LoadConfigError(`no staged load "${loadId}" on this server`);
    if (!(await dropOne(conn, row))) {
      throw new LoadConfigError(`staged load "${loadId}" is running; stop it before dropping it`);
    }
    return listing(row);
  } finally {
    await conn.close();
  }
}

/**
 * Drops the staged loads created more than `olderThanMs` ago that no run is using: what a load
 * abandoned leaves. `conn` is any idle connection (a staged load runs it as it opens).
 */
export async function dropAbandonedStages(
  conn: Connection,
  olderThanMs: number,
): Promise<StagedLoadListing[]> {
  const cutoff = Date.now() - olderThanMs;
  const dropped: StagedLoadListing[] = [];
  for (const row of await readStaged(conn)) {
    if (row.running || new Date(row.created_at).getTime() > cutoff) continue;
    if (await dropOne(conn, row)) dropped.push(listing(row));
  }
  return dropped;
}
