/**
 * The tables of staged loads, in the `haul` schema: `haul.loads` (logged: one row per load, its
 * target, stage, shape and state) and each load's stage (unlogged: only the loaded columns, plus file
 * order when keys are handled). The ledger of staged batches, `haul.staged_batches`, is unlogged with
 * the stages; staged-load.ts says why.
 */
import { type Connection, PostgresError, SqlState } from '@haul/protocol';
import { LoadConfigError } from '../errors.ts';
import { quoteIdent } from '../schema/identifiers.ts';
import type { TargetTable } from '../schema/target.ts';
import type { UniqueKey } from '../schema/unique-keys.ts';
import type { BatchControl, LedgerTable } from './batch-control.ts';
import { createOnce } from './create-table.ts';
import { type Conflict, ORDER_COLUMNS_SQL } from './publish-sql.ts';

export const STAGE_SCHEMA = 'haul';
const SCHEMA = quoteIdent(STAGE_SCHEMA);
export const LOADS_TABLE = `${SCHEMA}.${quoteIdent('loads')}`;
/**
 * Advisory lock key space (the first int4 key; the second is hashtext(load id)): "hs" + 1. A run holds
 * it for its session, so one run of a load id at a time, and nothing drops a stage a run is using.
 */
export const RUN_LOCK = 0x68730001;

/** Takes `loadId`'s run lock for the session (nesting: a session may take it twice), or refuses. */
export async function takeRunLock(conn: Connection, loadId: string): Promise<void> {
  const { rows } = await conn.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [
    RUN_LOCK,
    loadId,
  ]);
  if (!rows[0]?.ok) {
    throw new LoadConfigError(
      `load "${loadId}" is running in another session; wait for it or use a new load id`,
    );
  }
}
export const STAGE_LEDGER: LedgerTable = {
  qualified: `${SCHEMA}.${quoteIdent('staged_batches')}`,
  unlogged: true,
};

/** What a staged load stages and how it publishes: the loaded columns, and what an existing key does. */
export interface StageShape {
  columns: readonly string[];
  conflict: Conflict;
  /** The target's unique key for 'skip' and 'update' (schema/unique-keys.ts); null for 'error'. */
  key: UniqueKey | null;
  /** The publish deletes the target's rows first. */
  replace: boolean;
  /**
   * The target's row rules the stage checks too, so COPY names a refused row's source line (at the
   * publish it could not): `not null` loaded columns and CHECK constraints on loaded columns only.
   */
  rules?: StageRules;
}

export interface StageRules {
  notNull: readonly string[];
  /** Each CHECK under its own name, e.g. `constraint low_score CHECK ((score < (25)::double precision))`. */
  checks: readonly string[];
}

export interface LoadRow {
  target: string;
  stage: string;
  batch_rows: number;
  columns: string;
  publish: string;
  state: string;
  rows: string | null;
  published_at: string | null;
}

/** The schema and the loads table, made once among concurrent sessions. */
export async function ensureStageCatalog(conn: Connection): Promise<void> {
  await createOnce(conn, SCHEMA, `create schema if not exists ${SCHEMA}`);
  await createOnce(
    conn,
    LOADS_TABLE,
    `create table if not exists ${LOADS_TABLE} (
      load_id text primary key,
      target text not null,
      stage text not null,
      batch_rows integer not null,
      columns text not null,
      publish text not null,
      state text not null check (state in ('staging', 'published')),
      rows bigint,
      created_at timestamptz not null default now(),
      published_at timestamptz
    )`,
  );
}

/** How the loads table records the publish, e.g. `update ("id")`: a resume must publish the same way. */
export function publishWord(shape: StageShape): string {
  const conflict = shape.key
    ? `${shape.conflict} (${shape.key.columns.map(quoteIdent).join(', ')})`
    : shape.conflict;
  return shape.replace ? `replace, ${conflict}` : conflict;
}

/** How the loads table records a load's columns: a resume must stage the same ones. */
export function columnsWord(columns: readonly string[]): string {
  return columns.map((column) => JSON.stringify(column)).join(', ');
}

/** A new stage's qualified name. */
export function newStageName(): string {
  return `${SCHEMA}.${quoteIdent(`stage_${crypto.randomUUID().replaceAll('-', '')}`)}`;
}

/**
 * The stage: only the loaded columns, with their types and typmods (a value too long still fails in
 * COPY, with its line); no defaults and no identity, which apply once, at publish. Keys handled:
 * plus the file-order columns (publish-sql.ts).
 */
export function createStageSql(stage: string, target: TargetTable, shape: StageShape): string {
  const columnList = shape.columns.map(quoteIdent).join(', ');
  const create = `create unlogged table ${stage} as select ${columnList} from ${target.qualified} with no data`;
  const rules = ruleClauses(shape.rules);
  const ruled = rules.length > 0 ? `${create}; alter table ${stage} ${rules.join(', ')}` : create;
  return shape.conflict === 'error' ? ruled : `${ruled}; alter table ${stage} ${ORDER_COLUMNS_SQL}`;
}

/** The stage's NOT NULL and CHECK clauses for `rules`, for one ALTER TABLE. */
function ruleClauses(rules: StageRules | undefined): string[] {
  return [
    ...(rules?.notNull ?? []).map((column) => `alter column ${quoteIdent(column)} set not null`),
    ...(rules?.checks ?? []).map((check) => `add ${check}`),
  ];
}

/**
 * A resumed load's stage takes the target's rules as they are now (the user may have changed the
 * table to let the refused row in): the old ones dropped, the current ones added NOT VALID (rows
 * staged already passed the old ones, and the publish checks everything again).
 */
export async function syncStageRules(conn: Connection, stage: string, shape: StageShape): Promise<void> {
  // Only what differs changes: SET NOT NULL scans the whole stage, which a resume of a big load
  // must not pay for rules that stayed the same. A CHECK is compared as its creation text.
  const { rows } = await conn.query<{ checks: { name: string; text: string }[]; notNull: string[] }>(
    `select coalesce((select json_agg(json_build_object('name', conname::text, 'text', format('constraint %I %s',
           conname, regexp_replace(pg_get_constraintdef(oid), ' NOT VALID$', ''))))
         from pg_constraint where conrelid = $1::regclass and contype = 'c'), '[]') as checks,
       coalesce((select array_agg(attname::text) from pg_attribute
         where attrelid = $1::regclass and attnum > 0 and attnotnull and not attisdropped), '{}') as "notNull"`,
    [stage],
  );
  const found = rows[0]!;
  const wantedChecks = shape.rules?.checks ?? [];
  const wantedNotNull = shape.rules?.notNull ?? [];
  const notNull = found.notNull.filter((column) => shape.columns.includes(column));
  const drops = [
    ...found.checks
      .filter((check) => !wantedChecks.includes(check.text))
      .map((check) => `drop constraint ${quoteIdent(check.name)}`),
    ...notNull
      .filter((column) => !wantedNotNull.includes(column))
      .map((column) => `alter column ${quoteIdent(column)} drop not null`),
  ];
  if (drops.length > 0) await conn.exec(`alter table ${stage} ${drops.join(', ')}`);
  const adds = ruleClauses({
    notNull: wantedNotNull.filter((column) => !notNull.includes(column)),
    checks: wantedChecks
      .filter((check) => !found.checks.some((had) => had.text === check))
      .map((check) => `${check} not valid`),
  });
  if (adds.length > 0) await conn.exec(`alter table ${stage} ${adds.join(', ')}`);
}

/**
 * A reopened load's stage must still exist. If it is gone (dropped by hand), the ledger's batches are
 * gone with it: the ledger is cleared and the stage made again, so nothing staged is skipped unseen.
 */
export async function ensureStage(
  conn: Connection,
  stage: string,
  createSql: string,
  control: BatchControl,
  loadId: string,
): Promise<void> {
  try {
    await conn.query(`select from ${stage} limit 0`);
    return;
  } catch (error) {
    if (!(error instanceof PostgresError) || error.code !== SqlState.UndefinedTable) throw error;
  }
  await conn.transaction(async (tx) => {
    await tx.query(`delete from ${STAGE_LEDGER.qualified} where load_id = $1`, [loadId]);
    await tx.exec(createSql);
  });
  control.forgetAll();
}
