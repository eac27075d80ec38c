/**
 * The staged commit (`commit: 'staged'`): all or nothing on any server, `max_prepared_transactions = 0`
 * included, and resumable. The shards COPY batches into a staging table of the load, each batch
 * committed with its ledger row (batches mode's, batch-control.ts), so a batch is staged exactly once
 * however often it is retried. When every batch is in, one publish transaction inserts the stage into
 * the target (appending, or handling existing keys: publish-sql.ts), marks the load published and
 * drops the stage: readers of the target see none of the load or all of it. A failed load leaves what
 * it staged; a re-run with the same load id skips the staged batches and publishes.
 *
 * Logged or unlogged: the stage and its ledger are UNLOGGED (no WAL for the rows twice over), the
 * loads table is logged. Crash recovery empties every unlogged table together, so after a server crash
 * the ledger and the staged rows are gone together and a re-run stages everything again; it never
 * skips a batch whose rows were lost. The publish writes only logged tables (the target, the loads
 * row), so a publish that committed survives. The publish also checks the staged rows against the
 * ledger, and refuses (rolling back) when they differ.
 */
import type { Connection, QueryResult, Transaction } from '@haul/protocol';
import type { LoadReport } from '../api.ts';
import { LoadConfigError } from '../errors.ts';
import type { TargetTable } from '../schema/target.ts';
import { BatchControl } from './batch-control.ts';
import { publishSql } from './publish-sql.ts';
import {
  columnsWord,
  createStageSql,
  ensureStage,
  ensureStageCatalog,
  LOADS_TABLE,
  type LoadRow,
  newStageName,
  publishWord,
  STAGE_LEDGER,
  type StageShape,
  syncStageRules,
  takeRunLock,
} from './stage-tables.ts';
import { CREATE_PUBLISH, type NewTable, publishCreated } from './staged-create.ts';
import { dropAbandonedStages } from './staged-recover.ts';

/** Milliseconds each cleanup statement may take: a failing load must not hang on its way out. */
const CLEANUP_TIMEOUT = 5_000;

export interface PublishOutcome {
  /** Rows the publish inserted into the target. */
  inserted: number;
  /** Rows of the target the publish updated ('update'). */
  updated: number;
  /** Staged rows left out because their key existed, in the table or earlier in the file ('skip'). */
  skipped: number;
  /** Staged rows whose key came again later in the file, replaced by that later row ('update'). */
  duplicates: number;
  /** Rows of the target the publish deleted first (`replace`). */
  deleted: number;
}

/** A load id whose publish committed in an earlier run: a re-run moves nothing and says so. */
export interface PublishedBefore {
  rows: number;
  /** When it was published (ISO 8601). */
  publishedAt: string;
}

/** The report of a run that found its load id published already: nothing moved. */
export function publishedBeforeReport(
  load: Pick<LoadReport, 'loadId' | 'table' | 'mode' | 'copyFormat'>,
  before: PublishedBefore,
  started: number,
): LoadReport {
  return {
    ...load,
    rows: before.rows,
    bytes: 0,
    ms: Date.now() - started,
    rowsPerSecond: 0,
    committed: true,
    commit: 'staged',
    publishedBefore: before,
    rejected: 0,
    shards: [],
  };
}

export class StagedLoad {
  private constructor(
    readonly loadId: string,
    private readonly target: TargetTable,
    private readonly shape: StageShape,
    /** Qualified name of the staging table. */
    readonly stage: string,
    readonly control: BatchControl,
    /** The table this load creates, when it does: the publish moves the stage to it. */
    readonly creates: NewTable | null,
  ) {}

  /** The table the load goes into, as the report names it. */
  get table(): string {
    return this.creates?.qualified ?? this.target.qualified;
  }

  /**
   * Creates (or, for a load id that is staged already, reopens) the load's stage and ledger, and
   * holds the load id's run lock on `conn` for the rest of its session. A load id published already
   * with the same settings (a re-run after the client died around its COMMIT) opens nothing and
   * returns what was published, so re-running a load is always safe.
   */
  static async open(
    conn: Connection,
    target: TargetTable,
    shape: StageShape,
    loadId: string,
    batchRows: number,
    /** Other staged loads older than this (ms) and not running are dropped first; 0: none. */
    abandonedAfterMs: number,
    /** `target` is the stage of a table this load creates (staged-create.ts), which it becomes. */
    creates: NewTable | null = null,
  ): Promise<StagedLoad | PublishedBefore> {
    await ensureStageCatalog(conn);
    await takeRunLock(conn, loadId);
    const columns = columnsWord(shape.columns);
    const publish = creates ? CREATE_PUBLISH : publishWord(shape);
    const recorded = creates?.qualified ?? target.qualified;
    const { rows } = await conn.query<LoadRow>(
      `select target, stage, batch_rows, columns, publish, state, rows::text,
         to_char(published_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as published_at
       from ${LOADS_TABLE} where load_id = $1`,
      [loadId],
    );
    const existing = rows[0];
    // Published already, the same way (a created table exists now: a re-run finds it and appends).
    if (
      existing?.state === 'published' &&
      existing.target === recorded &&
      existing.columns === columns &&
      (existing.publish === publish || existing.publish === CREATE_PUBLISH)
    ) {
      return { rows: Number(existing.rows ?? 0), publishedAt: existing.published_at ?? '' };
    }
    if (
      existing &&
      (existing.target !== recorded || existing.columns !== columns || existing.publish !== publish)
    ) {
      throw new LoadConfigError(
        `load "${loadId}" was staged into ${existing.target} (${existing.columns}) to publish as ${existing.publish}; ` +
          `resume it the same way (now ${recorded} (${columns}), ${publish}) or use a new load id`,
      );
    }
    const stage = existing?.stage ?? newStageName();
    const createSql = createStageSql(stage, target, shape);
    if (!existing) {
      await conn.transaction(async (tx) => {
        await tx.query(
          `insert into ${LOADS_TABLE} (load_id, target, stage, batch_rows, columns, publish, state)
           values ($1, $2, $3, $4, $5, $6, 'staging')`,
          [loadId, target.qualified, stage, batchRows, columns, publish],
        );
        await tx.exec(createSql);
      });
    }
    const control = await BatchControl.open(conn, target, loadId, batchRows, STAGE_LEDGER);
    // This load's lock is held: it counts as running, so a resume of an old load keeps its stage.
    if (abandonedAfterMs > 0) await dropAbandonedStages(conn, abandonedAfterMs);
    // A created table's stage was made or checked by its creator.
    if (existing && !creates) {
      await ensureStage(conn, stage, createSql, control, loadId);
      await syncStageRules(conn, stage, shape);
    }
    return new StagedLoad(loadId, target, shape, stage, control, creates);
  }

  /** The plan's `copy <target> (cols) from stdin (…)` per shard format, into the stage instead. */
  copySql<Format extends string>(
    targetCopySql: Partial<Record<Format, string>>,
  ): Partial<Record<Format, string>> {
    const prefix = `copy ${this.target.qualified} `;
    const staged: Partial<Record<Format, string>> = {};
    for (const [format, sql] of Object.entries(targetCopySql) as [Format, string][]) {
      if (!sql.startsWith(prefix)) throw new Error(`unexpected COPY statement: ${sql}`);
      staged[format] = `copy ${this.stage} ${sql.slice(prefix.length)}`;
    }
    return staged;
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
      // Append counts the staged rows as it inserts them (one scan); the conflict modes insert
      // fewer than they stage, and a created table inserts none, so they count first.
      let staged = expectedRows;
      if (this.shape.conflict !== 'error' || this.creates) {
        const counted = await tx.query<{ n: string }>(`select count(*)::text as n from ${this.stage}`);
        staged = Number(counted.rows[0]?.n ?? 0);
        if (staged !== expectedRows) throw this.mismatch(staged, expectedRows);
      }
      if (this.creates) {
        await publishCreated(tx, this.stage, this.creates, signal);
        await this.markPublished(tx, staged);
        return { inserted: staged, updated: 0, skipped: 0, duplicates: 0, deleted: 0 };
      }
      const deleted = this.shape.replace
        ? ((await tx.query(`delete from ${this.target.qualified}`, [], signal)).rowCount ?? 0)
        : 0;
      const statement = publishSql({ target: this.target.qualified, stage: this.stage, ...this.shape });
      const outcome = { ...this.outcome(staged, await tx.query(statement, [], signal)), deleted };
      await this.markPublished(tx, outcome.inserted + outcome.updated);
      await tx.exec(`drop table ${this.stage}`);
      return outcome;
    }, signal);
  }

  /** The load published with `rows` rows in, its ledger rows gone (inside the publish transaction). */
  private async markPublished(tx: Transaction, rows: number): Promise<void> {
    await tx.query(
      `update ${LOADS_TABLE} set state = 'published', rows = $2, published_at = now()
         where load_id = $1 and state = 'staging'`,
      [this.loadId, rows],
    );
    await tx.query(`delete from ${STAGE_LEDGER.qualified} where load_id = $1`, [this.loadId]);
  }

  private outcome(staged: number, result: QueryResult): Omit<PublishOutcome, 'deleted'> {
    const { conflict, key, columns } = this.shape;
    if (conflict === 'update') {
      const counts = result.rows[0] as { inserted?: string; updated?: string } | undefined;
      const inserted = Number(counts?.inserted ?? 0);
      const updated = Number(counts?.updated ?? 0);
      // No non-key column to set: an existing key leaves its row as it was, which is a skip.
      if (columns.every((column) => key!.columns.includes(column))) {
        return { inserted, updated: 0, skipped: staged - inserted, duplicates: 0 };
      }
      return { inserted, updated, skipped: 0, duplicates: staged - inserted - updated };
    }
    const inserted = result.rowCount ?? 0;
    if (conflict === 'skip') return { inserted, updated: 0, skipped: staged - inserted, duplicates: 0 };
    if (inserted !== staged) throw this.mismatch(inserted, staged);
    return { inserted, updated: 0, skipped: 0, duplicates: 0 };
  }

  private mismatch(staged: number, ledger: number): LoadConfigError {
    return new LoadConfigError(
      `load "${this.loadId}": the stage holds ${staged} rows but its ledger says ${ledger}; ` +
        'nothing was published (was the stage changed by hand?)',
    );
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
      // Best effort, on the way out of a failed load: a stage left behind is listed by `haul recover`
      // and aged out by the next staged load (abandonedStageMs).
      .catch(() => {});
    return 0;
  }
}
