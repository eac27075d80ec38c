/**
 * `createTable` for a sharded load. Each shard is its own session in its own transaction, and a table
 * created in an uncommitted transaction is invisible to the others, so the table is created committed
 * before the shards start and made *provisional*: a COMMENT `haul:create:<loadId> …` says no load has
 * committed into it yet. It stops being provisional when a load commits (the creator clears the
 * comment inside shard 0's transaction, so it commits with the rows, two-phase included), and it is
 * dropped when no load ever does.
 *
 * Race-safety rests on two advisory locks per table (keyed by its qualified name):
 *  - USE, held *shared* on the load's first connection by every createTable load from before it looks
 *    the table up until it ends. Dropping takes it *exclusively* (try, never wait): a table another
 *    createTable load is still using is never dropped; whoever ends last cleans up.
 *  - CREATE, held exclusively for the short transaction that checks and creates: concurrent loads of
 *    the same new table create it once, and the others load into it, all in parallel (no 23505 on
 *    pg_type, no "already exists").
 * A drop also needs, without waiting, the ACCESS EXCLUSIVE lock (no session is writing to the table,
 * no prepared transaction holds it), the comment still a haul marker, and not one committed row;
 * a plain DROP (RESTRICT) then refuses if anything was built on it. A table with rows from anywhere
 * is kept and its marker cleared. After a crash the marker stays: `haul recover` lists such tables
 * and settles them by the same rules (settleProvisional).
 */
import { type Connection, PostgresError, type QueryOptions, SqlState } from '@haul/protocol';
import type { Connector, ProvisionalTableOutcome } from '../api.ts';
import { LoadConfigError } from '../errors.ts';
import { truncateIdentifier } from '../schema/column-names.ts';
import { parseQualifiedName, quoteIdent } from '../schema/identifiers.ts';
import { createTableSql, type InferredColumn } from '../schema/infer.ts';
import type { TableCreator } from './plan.ts';
import { quoteLiteral } from './sql-literal.ts';

/** Advisory lock key spaces (the first of the two int4 keys): "hc" + 1 and "hc" + 2. */
const USE_LOCK = 0x68630001;
const CREATE_LOCK = 0x68630002;
const MARKER_PREFIX = 'haul:create:';
const MARKER = /^haul:create:([A-Za-z0-9_.-]{1,64})(?:\s|$)/;
/** Milliseconds each cleanup statement may take: a failing load must not hang on its way out. */
const CLEANUP_TIMEOUT = 5_000;

type ProvisionalOutcome = ProvisionalTableOutcome;

/**
 * `sql` (a CREATE … IF NOT EXISTS) run once among concurrent sessions: IF NOT EXISTS alone races
 * (both see nothing, the second fails with 23505 on pg_type), so it runs under the CREATE lock.
 */
export async function createOnce(conn: Connection, qualified: string, sql: string): Promise<void> {
  // One simple query is one transaction: the xact lock is held until the CREATE has committed.
  await conn.exec(
    `select pg_advisory_xact_lock(${CREATE_LOCK}, hashtext(${quoteLiteral(qualified)})); ${sql}`,
  );
}

/** The marker comment naming `loadId`; read back with `markerLoadId`. */
export function markerFor(loadId: string): string {
  return (
    `${MARKER_PREFIX}${loadId} created by a haul load (createTable); provisional until a load ` +
    'commits into it: dropped if none does (`haul recover` settles it after a crash)'
  );
}

export function markerLoadId(comment: string | null | undefined): string | null {
  return comment ? (MARKER.exec(comment)?.[1] ?? null) : null;
}

/**
 * Where a table named `table` is, or would be created: its own schema if it exists, else the first
 * existing schema of search_path for an unqualified name. Names cut to 63 bytes as the server does.
 */
export async function newTableName(
  conn: Connection,
  table: string,
): Promise<{ schema: string; name: string; qualified: string }> {
  const parsed = parseQualifiedName(table);
  const name = truncateIdentifier(parsed.name);
  let schema = parsed.schema === null ? null : truncateIdentifier(parsed.schema);
  if (schema === null) {
    const { rows } = await conn.query<{ schema: string | null }>(
      `select coalesce((select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.oid = to_regclass($1)), current_schema()) as schema`,
      [quoteIdent(name)],
    );
    schema = rows[0]?.schema ?? null;
    if (schema === null) {
      const path = await conn.query<{ path: string }>(`select current_setting('search_path') as path`);
      throw new LoadConfigError(
        `cannot create ${table}: no schema in search_path (${path.rows[0]?.path ?? ''}) exists; ` +
          'qualify the name as schema.name',
      );
    }
  }
  return { schema, name, qualified: `${quoteIdent(schema)}.${quoteIdent(name)}` };
}

export class ProvisionalTable implements TableCreator {
  private qualified = '';
  private holding = false;
  /** This load created the table (it stays provisional until the load commits). */
  created = false;

  private constructor(private readonly loadId: string) {}

  /**
   * Before the table is looked up: where it is, or would be created (the first existing schema of
   * search_path for an unqualified name), and the shared USE lock on that name.
   */
  static async open(conn: Connection, table: string, loadId: string): Promise<ProvisionalTable> {
    const provisional = new ProvisionalTable(loadId);
    provisional.qualified = (await newTableName(conn, table)).qualified;
    await conn.query(`select pg_advisory_lock_shared(${USE_LOCK}, hashtext($1))`, [provisional.qualified]);
    provisional.holding = true;
    return provisional;
  }

  /** Creates the table committed and marked, unless it exists by the time the CREATE lock is ours. */
  async create(conn: Connection, table: string, columns: readonly InferredColumn[]): Promise<string | false> {
    const { schema } = splitQualified(this.qualified);
    await conn.exec('begin');
    try {
      await conn.query(`select pg_advisory_xact_lock(${CREATE_LOCK}, hashtext($1))`, [this.qualified]);
      const { rows } = await conn.query<{ exists: boolean; schema: boolean }>(
        `select to_regclass($1) is not null as exists,
           exists (select from pg_namespace where nspname = $2) as schema`,
        [this.qualified, schema],
      );
      if (rows[0]!.exists) {
        await conn.exec('commit');
        return false;
      }
      if (!rows[0]!.schema) {
        throw new LoadConfigError(`cannot create ${table}: schema ${quoteIdent(schema)} does not exist`);
      }
      await conn.exec(createTableSql(this.qualified, columns));
      await conn.exec(`comment on table ${this.qualified} is ${quoteLiteral(markerFor(this.loadId))}`);
      await conn.exec('commit');
      this.created = true;
      return this.qualified;
    } catch (error) {
      await conn.exec('rollback', { timeout: CLEANUP_TIMEOUT }).catch(() => {});
      // Dropped between the check and the CREATE: still the caller's mistake, not a server failure.
      if (error instanceof PostgresError && error.code === SqlState.InvalidSchemaName) {
        throw new LoadConfigError(`cannot create ${table}: ${error.serverMessage}`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Inside shard 0's open transaction, just before the commit: the creator's marker goes with the
   * rows, so the table stops being provisional exactly when the load commits.
   */
  async beforeCommit(shard0: Connection, options: QueryOptions): Promise<void> {
    if (this.created) await shard0.exec(`comment on table ${this.qualified} is null`, options);
  }

  /**
   * After the load committed: a table still marked (this load appended to another load's table, or
   * committed with no shard transaction) is no longer provisional. Best effort: the load has committed.
   */
  async afterCommit(conn: Connection): Promise<void> {
    try {
      if (markerLoadId(await readComment(conn, this.qualified)) !== null) {
        await conn.exec(`comment on table ${this.qualified} is null`, { timeout: CLEANUP_TIMEOUT });
      }
      await this.release(conn);
    } catch {
      // The table has the load's rows, or recover finds it marked and empty: never an error here.
    }
  }

  /**
   * After the load failed and its shards rolled back: drops the table if it is still provisional and
   * nobody else uses it. Reports what happened when this load created the table or dropped it.
   */
  async abandon(conn: Connection): Promise<ProvisionalOutcome | null> {
    if (this.holding) await this.release(conn);
    const outcome = await settleProvisional(conn, this.qualified);
    if (outcome !== null) return this.created || outcome.dropped ? outcome : null;
    if (!this.created) return null;
    // No longer provisional: another load committed into it, or dropped it on its way out.
    const { rows } = await conn.query<{ exists: boolean }>(
      'select to_regclass($1) is not null as exists',
      [this.qualified],
      { timeout: CLEANUP_TIMEOUT },
    );
    return rows[0]!.exists
      ? { ...this.describe(), dropped: false, keptBecause: 'another load committed into it' }
      : { ...this.describe(), dropped: true };
  }

  describe(): Pick<ProvisionalOutcome, 'table' | 'createdBy'> {
    return { table: this.qualified, createdBy: this.loadId };
  }

  private async release(conn: Connection): Promise<void> {
    if (!this.holding) return;
    this.holding = false;
    await conn.query(`select pg_advisory_unlock_shared(${USE_LOCK}, hashtext($1))`, [this.qualified], {
      timeout: CLEANUP_TIMEOUT,
    });
  }
}

/**
 * Drops `qualified` if it is a provisional table no load uses and no row was committed into; keeps it
 * otherwise (clearing the marker when it has rows). Null when it is not (or no longer) provisional.
 */
export async function settleProvisional(
  conn: Connection,
  qualified: string,
): Promise<ProvisionalOutcome | null> {
  const options = { timeout: CLEANUP_TIMEOUT };
  const { rows } = await conn.query<{ got: boolean }>(
    `select pg_try_advisory_lock(${USE_LOCK}, hashtext($1)) as got`,
    [qualified],
    options,
  );
  const createdBy = markerLoadId(await readComment(conn, qualified));
  if (!rows[0]!.got) {
    return createdBy === null ? null : kept(qualified, createdBy, 'another load or session is using it');
  }
  try {
    if (createdBy === null) return null;
    await conn.exec('begin', options);
    try {
      await conn.exec(`lock table ${qualified} in access exclusive mode nowait`, options);
      // Read again under the lock: another load may have committed into it a moment ago.
      const again = markerLoadId(await readComment(conn, qualified));
      if (again === null) {
        await conn.exec('rollback', options);
        return null;
      }
      const { rows: data } = await conn.query<{ any: boolean }>(
        `select exists (select from only ${qualified}) as any`,
        [],
        options,
      );
      if (data[0]!.any) {
        await conn.exec(`comment on table ${qualified} is null`, options);
        await conn.exec('commit', options);
        return kept(qualified, again, 'it has committed rows');
      }
      await conn.exec(`drop table ${qualified}`, options);
      await conn.exec('commit', options);
      return { table: qualified, createdBy: again, dropped: true };
    } catch (error) {
      await conn.exec('rollback', options).catch(() => {});
      if (!(error instanceof PostgresError)) throw error;
      if (error.code === SqlState.UndefinedTable) return null;
      if (error.code === SqlState.LockNotAvailable)
        return kept(qualified, createdBy, 'a session or prepared transaction holds it');
      if (error.code === SqlState.DependentObjectsStillExist)
        return kept(qualified, createdBy, 'other objects depend on it');
      throw error;
    }
  } finally {
    await conn
      .query(`select pg_advisory_unlock(${USE_LOCK}, hashtext($1))`, [qualified], options)
      .catch(() => {});
  }
}

/** Every table a haul createTable left marked: `"schema"."name"` and the load in the marker. */
export async function listProvisional(conn: Connection): Promise<{ table: string; createdBy: string }[]> {
  const { rows } = await conn.query<{ schema: string; name: string; comment: string }>(
    `select n.nspname as schema, c.relname as name, d.description as comment
     from pg_description d
     join pg_class c on c.oid = d.objoid
     join pg_namespace n on n.oid = c.relnamespace
     where d.classoid = 'pg_class'::regclass and d.objsubid = 0 and d.description like $1
     order by 1, 2`,
    [`${MARKER_PREFIX}%`],
  );
  return rows.flatMap((row) => {
    const createdBy = markerLoadId(row.comment);
    return createdBy === null
      ? []
      : [{ table: `${quoteIdent(row.schema)}.${quoteIdent(row.name)}`, createdBy }];
  });
}

/**
 * A failed load's cleanup of its table, on its first connection or, if that one is broken, on a new
 * one. Never throws: what could not be done is said in the outcome (recover finishes it).
 */
export async function abandonTable(
  provisional: ProvisionalTable,
  first: Connection | undefined,
  connector: Connector,
): Promise<ProvisionalOutcome | null> {
  if (first) {
    try {
      return await provisional.abandon(first);
    } catch {
      // Fall through to a fresh connection: the first one may have died with the load.
    }
  }
  let fresh: Connection | undefined;
  try {
    fresh = await connector();
    return await provisional.abandon(fresh);
  } catch (error) {
    if (!provisional.created) return null;
    const why = error instanceof Error ? error.message : String(error);
    return { ...provisional.describe(), dropped: false, keptBecause: `cleaning up failed (${why})` };
  } finally {
    await fresh?.close().catch(() => {});
  }
}

function kept(table: string, createdBy: string, keptBecause: string): ProvisionalOutcome {
  return { table, createdBy, dropped: false, keptBecause };
}

async function readComment(conn: Connection, qualified: string): Promise<string | null> {
  const { rows } = await conn.query<{ comment: string | null }>(
    `select obj_description(to_regclass($1), 'pg_class') as comment`,
    [qualified],
    { timeout: CLEANUP_TIMEOUT },
  );
  return rows[0]?.comment ?? null;
}

function splitQualified(qualified: string): { schema: string; name: string } {
  const parsed = parseQualifiedName(qualified);
  return { schema: parsed.schema ?? '', name: parsed.name };
}
