/**
 * The staged commit (`commit: 'staged'`): all or nothing on any server, `max_prepared_transactions = 0`
 * included, and resumable. The shards COPY batches into a staging table of the load, each batch
 * committed with its ledger row (batches mode's, batch-control.ts), so a batch is staged exactly once
 * however often it is retried. When every batch is in, one publish transaction inserts the stage into
 * the target, marks the load published and drops the stage: readers of the target see none of the
 * load or all of it. A failed load leaves what it staged; a re-run with the same load id skips the
 * staged batches and publishes.
 *
 * Logged or unlogged: the stage and its ledger are UNLOGGED (no WAL for the rows twice over), the
 * loads table is logged. Crash recovery empties every unlogged table together, so after a server crash
 * the ledger and the staged rows are gone together and a re-run stages everything again; it never
 * skips a batch whose rows were lost. The publish writes only logged tables (the target, the loads
 * row), so a publish that committed survives. The publish also checks the rows it inserted against
 * the ledger, and refuses (rolling back) when they differ.
 */
import { type Connection, PostgresError, SqlState } from '@haul/protocol';
import { LoadConfigError } from '../errors.ts';
import { quoteIdent } from '../schema/identifiers.ts';
import type { TargetTable } from '../schema/target.ts';
import { BatchControl } from './batch-control.ts';
import { createOnce } from './create-table.ts';

export const STAGE_SCHEMA = 'haul';
const SCHEMA = quoteIdent(STAGE_SCHEMA);
export const LOADS_TABLE = `${SCHEMA}.${quoteIdent('loads')}`;
const LEDGER = { qualified: `${SCHEMA}.${quoteIdent('staged_batches')}`, unlogged: true } as const;
/** Advisory lock key space (the first int4 key): "hs" + 1. One run of a load id at a time. */
const RUN_LOCK = 0x68730001;
/** Milliseconds each cleanup statement may take: a failing load must not hang on its way out. */
const CLEANUP_TIMEOUT = 5_000;

interface LoadRow {
  target: string;
  stage: string;
  batch_rows: number;
  columns: string;
  state: string;
}

export interface PublishOutcome {
  /** Rows the publish inserted into the target. */
  inserted: number;
}

export class StagedLoad {
  private constructor(
    readonly loadId: string,
    private readonly target: TargetTable,
    /** The loaded columns, quoted and joined: the same list for the stage, the COPY and the publish. */
    private readonly columnList: string,
    /** Qualified name of the staging table. */
    readonly stage: string,
    readonly control: BatchControl,
  ) {}

  /**
   * Creates (or, for a load id that is staged already, reopens) the load's stage and ledger, and
   * holds the load id's run lock on `conn` for the rest of its session.
   */
  static async open(
    conn: Connection,
    target: TargetTable,
    columns: readonly string[],
    loadId: string,
    batchRows: number,
  ): Promise<StagedLoad> {
    const columnList = columns.map(quoteIdent).join(', ');
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
        state text not null check (state in ('staging', 'published')),
        rows bigint,
        created_at timestamptz not null default now(),
        published_at timestamptz
      )`,
    );
    const { rows: locked } = await conn.query<{ ok: boolean }>(
      'select pg_try_advisory_lock($1, hashtext($2)) as ok',
      [RUN_LOCK, loadId],
    );
    if (!locked[0]?.ok) {
      throw new LoadConfigError(
        `load "${loadId}" is running in another session; wait for it or use a new load id`,
      );
    }
    const { rows } = await conn.query<LoadRow>(
      `select target, stage, batch_rows, columns, state from ${LOADS_TABLE} where load_id = $1`,
      [loadId],
    );
    const existing = rows[0];
    let stage: string;
    if (!existing) {
      stage = `${SCHEMA}.${quoteIdent(`stage_${crypto.randomUUID().replaceAll('-', '')}`)}`;
      await conn.transaction(async (tx) => {
        await tx.query(
          `insert into ${LOADS_TABLE} (load_id, target, stage, batch_rows, columns, state)
           values ($1, $2, $3, $4, $5, 'staging')`,
          [loadId, target.qualified, stage, batchRows, columnList],
        );
        // Only the loaded columns, with their types and typmods (a value too long still fails in
        // COPY, with its line); no defaults and no identity: those apply once, at publish.
        await tx.exec(
          `create unlogged table ${stage} as select ${columnList} from ${target.qualified} with no data`,
        );
      });
    } else {
      if (existing.state === 'published') {
        throw new LoadConfigError(`load "${loadId}" was published already; use a new load id`);
      }
      if (existing.target !== target.qualified || existing.columns !== columnList) {
        throw new LoadConfigError(
          `load "${loadId}" was staged into ${existing.target} (${existing.columns}); ` +
            `resume it with the same table and columns (now ${target.qualified} (${columnList})) or use a new load id`,
        );
      }
      stage = existing.stage;
    }
    const control = await BatchControl.open(conn, target, loadId, batchRows, LEDGER);
    if (existing) await ensureStage(conn, stage, target, columnList, control, loadId);
    return new StagedLoad(loadId, target, columnList, stage, control);
  }

  /** `copy <stage> (cols) from stdin (…)`, for a plan's `copy <target> (cols) from stdin (…)`. */
  copySql(targetCopySql: string): string {
    const prefix = `copy ${this.target.qualified} `;
    if (!targetCopySql.startsWith(prefix)) throw new Error(`unexpected COPY statement: ${targetCopySql}`);
    return `copy ${this.stage} ${targetCopySql.slice(prefix.length)}`;
  }

  /**
   * The publish transaction on `conn` (no transaction open): the staged rows into the target, the
   * load marked published, its ledger rows and stage gone, all or nothing. `expectedRows`: what the
   * ledger says was staged, this run and earlier ones.
   */
  async publish(
    conn: Connection,
    expectedRows: number,
    options: { signal?: AbortSignal; lockTimeout: number },
  ): Promise<PublishOutcome> {
    const signal = options.signal ? { signal: options.signal } : {};
    return conn.transaction(async (tx) => {
      await tx.exec(`set local lock_timeout = ${Math.trunc(options.lockTimeout)}`);
      const { rows } = await tx.query<{ state: string }>(
        `select state from ${LOADS_TABLE} where load_id = $1 for update`,
        [this.loadId],
      );
      if (rows[0]?.state !== 'staging') {
        throw new LoadConfigError(
          `load "${this.loadId}" is no longer staged (state ${rows[0]?.state ?? 'gone'})`,
        );
      }
      const inserted = await tx.query(
        `insert into ${this.target.qualified} (${this.columnList}) select ${this.columnList} from ${this.stage}`,
        [],
        signal,
      );
      const count = inserted.rowCount ?? 0;
      if (count !== expectedRows) {
        throw new LoadConfigError(
          `load "${this.loadId}": the stage holds ${count} rows but its ledger says ${expectedRows}; ` +
            'nothing was published (was the stage changed by hand?)',
        );
      }
      await tx.query(
        `update ${LOADS_TABLE} set state = 'published', rows = $2, published_at = now()
           where load_id = $1 and state = 'staging'`,
        [this.loadId, count],
      );
      await tx.query(`delete from ${LEDGER.qualified} where load_id = $1`, [this.loadId]);
      await tx.exec(`drop table ${this.stage}`);
      return { inserted: count };
    }, signal);
  }

  /**
   * After a failure: a load that staged nothing, now or before, leaves nothing behind (its stage and
   * loads row are dropped); one that staged batches keeps them for a re-run. Returns how many batches
   * stay staged.
   */
  async afterFailure(conn: Connection, stagedThisRun: number): Promise<number> {
    const staged = this.control.committedBatches + stagedThisRun;
    if (staged > 0) return staged;
    await conn
      .transaction(
        async (tx) => {
          await tx.exec(`drop table if exists ${this.stage}`);
          await tx.query(`delete from ${LOADS_TABLE} where load_id = $1 and state = 'staging'`, [
            this.loadId,
          ]);
        },
        { timeout: CLEANUP_TIMEOUT },
      )
      .catch(() => {});
    return 0;
  }
}

/**
 * A reopened load's stage must still exist. If it is gone (dropped by hand), the ledger's batches are
 * gone with it: the ledger is cleared and the stage made again, so nothing staged is skipped unseen.
 */
async function ensureStage(
  conn: Connection,
  stage: string,
  target: TargetTable,
  columnList: string,
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
    await tx.query(`delete from ${LEDGER.qualified} where load_id = $1`, [loadId]);
    await tx.exec(
      `create unlogged table ${stage} as select ${columnList} from ${target.qualified} with no data`,
    );
  });
  control.forgetAll();
}
