/**
 * `createTable` for a staged load: the new table is made as the load's stage, in the `haul` schema,
 * and the publish moves it into place (SET SCHEMA, RENAME) in its one transaction. Until then the
 * target name does not exist, so a failed or killed load leaves no empty table behind, and readers
 * see no table or the whole of it.
 *
 * This stage is LOGGED, unlike an appending load's: it becomes the table, and a rename does not write
 * its rows again (SET LOGGED would rewrite them all). The ledger stays unlogged, so after a server
 * crash the stage can hold rows whose ledger rows are gone: a reopened load whose ledger is empty
 * empties its stage first, as batches and their ledger rows only ever commit together.
 */
import type { Connection, Transaction } from '@haul/protocol';
import { LoadConfigError } from '../errors.ts';
import { quoteIdent } from '../schema/identifiers.ts';
import { createTableSql, type InferredColumn } from '../schema/infer.ts';
import { newTableName } from './create-table.ts';
import type { TableCreator } from './plan.ts';
import {
  columnsWord,
  ensureStageCatalog,
  LOADS_TABLE,
  newStageName,
  STAGE_LEDGER,
  STAGE_SCHEMA,
  takeRunLock,
} from './stage-tables.ts';

/** The table a staged load creates: where it goes at the publish. */
export interface NewTable {
  schema: string;
  name: string;
  qualified: string;
}

export const CREATE_PUBLISH = 'create';

/**
 * The creator planLoad calls when the target does not exist: makes (or, resuming, finds) the stage
 * the new table will be, and returns its name for the plan to read and COPY into.
 */
export class StagedCreate implements TableCreator {
  /** Set once create() ran: the table the publish moves the stage to. */
  table: NewTable | null = null;

  constructor(
    private readonly loadId: string,
    private readonly batchRows: number,
  ) {}

  async create(conn: Connection, table: string, columns: readonly InferredColumn[]): Promise<string | false> {
    const target = await newTableName(conn, table);
    await ensureStageCatalog(conn);
    // The run lock first (StagedLoad.open takes it again: advisory locks nest within a session).
    await takeRunLock(conn, this.loadId);
    const { rows } = await conn.query<{ stage: string; target: string; exists: boolean }>(
      `select stage, target, to_regclass(stage) is not null as exists
       from ${LOADS_TABLE} where load_id = $1 and state = 'staging' and publish = $2`,
      [this.loadId, CREATE_PUBLISH],
    );
    const existing = rows[0];
    this.table = target;
    if (existing && existing.target === target.qualified) {
      // Resuming. A stage dropped by hand is made again (StagedLoad.open clears its ledger then); one
      // whose ledger a crash emptied holds rows no ledger accounts for.
      if (!existing.exists) await conn.exec(createTableSql(existing.stage, columns));
      else if ((await stagedBatches(conn, this.loadId)) === 0) await conn.exec(`truncate ${existing.stage}`);
      return existing.stage;
    }
    // Another load id's row, or this id staged for another table: StagedLoad.open refuses it as usual.
    if (existing) return existing.stage;
    const stage = newStageName();
    await conn.transaction(async (tx) => {
      await tx.query(
        `insert into ${LOADS_TABLE} (load_id, target, stage, batch_rows, columns, publish, state)
         values ($1, $2, $3, $4, $5, $6, 'staging')`,
        [
          this.loadId,
          target.qualified,
          stage,
          this.batchRows,
          columnsWord(columns.map((c) => c.name)),
          CREATE_PUBLISH,
        ],
      );
      await tx.exec(createTableSql(stage, columns));
    });
    return stage;
  }
}

/** Batches the ledger holds for `loadId`; 0 before the first staged load made the ledger. */
async function stagedBatches(conn: Connection, loadId: string): Promise<number> {
  const { rows } = await conn.query<{ present: boolean }>('select to_regclass($1) is not null as present', [
    STAGE_LEDGER.qualified,
  ]);
  if (!rows[0]?.present) return 0;
  const counted = await conn.query<{ n: number }>(
    `select count(*)::int as n from ${STAGE_LEDGER.qualified} where load_id = $1`,
    [loadId],
  );
  return counted.rows[0]?.n ?? 0;
}

/**
 * Inside the publish transaction: the stage, holding `rows` rows, becomes `table`. Refused when a
 * table of that name appeared meanwhile (nothing is published; the staged rows stay).
 */
export async function publishCreated(
  tx: Transaction,
  stage: string,
  table: NewTable,
  signal: { signal?: AbortSignal },
): Promise<void> {
  const { rows } = await tx.query<{ taken: boolean }>('select to_regclass($1) is not null as taken', [
    table.qualified,
  ]);
  if (rows[0]?.taken) {
    throw new LoadConfigError(
      `table ${table.qualified} was created by someone else while this load staged; nothing was published`,
    );
  }
  await tx.exec(`alter table ${stage} set schema ${quoteIdent(table.schema)}`, signal);
  const moved = `${quoteIdent(table.schema)}.${stage.slice(`${quoteIdent(STAGE_SCHEMA)}.`.length)}`;
  await tx.exec(`alter table ${moved} rename to ${quoteIdent(table.name)}`, signal);
}
