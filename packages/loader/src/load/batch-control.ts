/**
 * Batches mode's ledger: one row per committed batch in `haul_load_batches` (next to the target
 * table), written in the batch's own transaction, so a batch and its record commit together. A
 * re-run with the same load id skips exactly the recorded batches: batch k is always source rows
 * [k·batchRows, (k+1)·batchRows), counted after the header, so a header never costs a row.
 */
import type { Connection } from '@haul/protocol';
import { LoadConfigError } from '../errors.ts';
import { quoteIdent } from '../schema/identifiers.ts';
import type { TargetTable } from '../schema/target.ts';
import { createOnce } from './create-table.ts';

export const CONTROL_TABLE = 'haul_load_batches';

/** Where a ledger lives: batches mode's next to the target; a staged load's in the haul schema (staged-load.ts). */
export interface LedgerTable {
  qualified: string;
  /** UNLOGGED: emptied by crash recovery together with the unlogged stage it accounts for. */
  unlogged: boolean;
}

export interface BatchRecord {
  batch: number;
  firstRow: number;
  rows: number;
  sourceStart: number;
  sourceEnd: number;
}

/** What an earlier run committed of a batch: its rows, and the source bytes its rows came from. */
interface DoneBatch {
  rows: number;
  sourceStart: number;
  sourceEnd: number;
}

export class BatchControl {
  private constructor(
    readonly qualified: string,
    private readonly loadId: string,
    private readonly batchRows: number,
    private readonly target: string,
    private readonly done: Map<number, DoneBatch>,
  ) {}

  /** Creates the ledger if needed and reads what an earlier run of `loadId` committed. */
  static async open(
    conn: Connection,
    table: TargetTable,
    loadId: string,
    batchRows: number,
    ledger: LedgerTable = {
      qualified: `${quoteIdent(table.schema)}.${quoteIdent(CONTROL_TABLE)}`,
      unlogged: false,
    },
  ): Promise<BatchControl> {
    const qualified = ledger.qualified;
    await createOnce(
      conn,
      qualified,
      `create ${ledger.unlogged ? 'unlogged ' : ''}table if not exists ${qualified} (
        load_id text not null,
        batch_no integer not null,
        batch_rows integer not null,
        target text not null,
        first_row bigint not null,
        row_count bigint not null,
        source_start bigint not null,
        source_end bigint not null,
        state text not null default 'committed',
        committed_at timestamptz not null default now(),
        primary key (load_id, batch_no)
      )`,
    );
    const { rows } = await conn.query<{
      batch_no: number;
      batch_rows: number;
      target: string;
      row_count: string;
      source_start: string;
      source_end: string;
    }>(
      `select batch_no, batch_rows, target, row_count::text, source_start::text, source_end::text
         from ${qualified} where load_id = $1`,
      [loadId],
    );
    const done = new Map<number, DoneBatch>();
    for (const row of rows) {
      if (row.batch_rows !== batchRows || row.target !== table.qualified) {
        throw new LoadConfigError(
          `load "${loadId}" was started with batchRows ${row.batch_rows} into ${row.target}; ` +
            `resume it with the same settings (now ${batchRows} into ${table.qualified}) or use a new load id`,
        );
      }
      done.set(row.batch_no, {
        rows: Number(row.row_count),
        sourceStart: Number(row.source_start),
        sourceEnd: Number(row.source_end),
      });
    }
    return new BatchControl(qualified, loadId, batchRows, table.qualified, done);
  }

  /** Forgets what earlier runs committed (their rows are gone: staged-load.ts's lost stage). */
  forgetAll(): void {
    this.done.clear();
  }

  /** Batches an earlier run committed. */
  get committedBatches(): number {
    return this.done.size;
  }

  /** Rows an earlier run committed. */
  get committedRows(): number {
    let rows = 0;
    for (const batch of this.done.values()) rows += batch.rows;
    return rows;
  }

  /**
   * Whether source row `row` (0-based, header excluded) belongs to a batch already committed. Given
   * the row's source bytes [start, end) (delimited text; JSON batches have none), a batch's first and
   * last rows must sit where they sat in the run that committed it, or this is another file: a
   * LoadConfigError rather than a resume that skips rows it never loaded.
   */
  skips(row: number, start?: number, end?: number): boolean {
    const index = Math.floor(row / this.batchRows);
    const done = this.done.get(index);
    if (done === undefined) return false;
    if (start === undefined || end === undefined) return true;
    const first = row === index * this.batchRows;
    const last = row === (index + 1) * this.batchRows - 1;
    if ((first && start !== done.sourceStart) || (last && end !== done.sourceEnd)) {
      const at = first ? `starts at byte ${start}` : `ends at byte ${end}`;
      throw new LoadConfigError(
        `load "${this.loadId}" committed batch ${index} from source bytes ${done.sourceStart}-${done.sourceEnd}, ` +
          `but here its ${first ? 'first' : 'last'} row (row ${row + 1} of the source) ${at}: ` +
          'this is not the file it was started with; resume with that file or use a new load id',
      );
    }
    return true;
  }

  /**
   * The source ended after `rows` rows: a batch an earlier run committed beyond that came from
   * another (longer) file, and publishing it would load rows this one does not have.
   */
  checkEnd(rows: number): void {
    for (const index of this.done.keys()) {
      if (index * this.batchRows >= rows) {
        throw new LoadConfigError(
          `load "${this.loadId}": the source ended after row ${rows}, but batch ${index} was staged from rows ` +
            'after it: this is not the file it was started with; resume with that file or use a new load id',
        );
      }
    }
  }

  batchOf(row: number): number {
    return Math.floor(row / this.batchRows);
  }

  /** Records a batch inside its transaction (call before COMMIT). */
  async record(conn: Connection, record: BatchRecord): Promise<void> {
    await conn.query(
      `insert into ${this.qualified}
         (load_id, batch_no, batch_rows, target, first_row, row_count, source_start, source_end)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        this.loadId,
        record.batch,
        this.batchRows,
        this.target,
        record.firstRow,
        record.rows,
        record.sourceStart,
        record.sourceEnd,
      ],
    );
  }
}
