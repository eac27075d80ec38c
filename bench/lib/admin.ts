/**
 * A separate, unmeasured connection that prepares and checks the database around the runs: it
 * creates and truncates the insert and COPY tables and counts (and fingerprints) what landed.
 */

import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_TABLE, type CopyRow, CREATE_COPY_TABLE_SQL } from './copy-rows.ts';
import { textChunks, writeWithBackpressure } from './copy-text.ts';
import { CREATE_INSERT_TABLE_SQL, INSERT_TABLE } from './workloads.ts';

/** What a COPY run left in the table: its rows, and a hash of their text that any wrong value changes. */
export interface CopySummary {
  rows: number;
  fingerprint: string;
}

export class Admin {
  private constructor(private readonly client: pg.Client) {}

  static async open(url: string): Promise<Admin> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new Admin(client);
  }

  /** Drops any leftover table from an earlier run and creates a fresh one. */
  async createInsertTable(): Promise<void> {
    await this.client.query(`drop table if exists ${INSERT_TABLE}`);
    await this.client.query(CREATE_INSERT_TABLE_SQL);
  }

  async truncateInsertTable(): Promise<void> {
    await this.client.query(`truncate ${INSERT_TABLE}`);
  }

  /** Rows in the insert table, and how many distinct ids: both must equal the insert count. */
  async countInserted(): Promise<{ rows: number; distinctIds: number }> {
    const result = await this.client.query<{ rows: string; ids: string }>(
      `select count(*) as rows, count(distinct id) as ids from ${INSERT_TABLE}`,
    );
    const row = result.rows[0];
    return { rows: Number(row?.rows ?? 0), distinctIds: Number(row?.ids ?? 0) };
  }

  async dropInsertTable(): Promise<void> {
    await this.client.query(`drop table if exists ${INSERT_TABLE}`);
  }

  /** Drops any leftover COPY table and creates a fresh one. */
  async createCopyTable(): Promise<void> {
    await this.client.query(`drop table if exists ${COPY_TABLE}`);
    await this.client.query(CREATE_COPY_TABLE_SQL);
  }

  /**
   * Empties the COPY table, then checkpoints, so that no run pays for writing out the dirty pages
   * and WAL segments of the one before it (1,000,000 rows are about 100 MB of each).
   */
  async truncateCopyTable(): Promise<void> {
    await this.client.query(`truncate ${COPY_TABLE}`);
    await this.client.query('checkpoint');
  }

  /** The reference load: the first `count` rows in text format through pg-copy-streams, unmeasured. */
  async fillCopyTable(rows: readonly CopyRow[], count: number): Promise<void> {
    await this.truncateCopyTable();
    const stream = this.client.query(copyFrom(`copy ${COPY_TABLE} from stdin`));
    await writeWithBackpressure(stream, textChunks(rows, count));
  }

  /**
   * Rows with id ≤ `maxId` (all rows without it) and the sum of a 32-bit hash of each row's text
   * form: the same rows with the same values give the same sum, whatever order they landed in.
   */
  async summarizeCopyTable(maxId?: number): Promise<CopySummary> {
    const where = maxId === undefined ? '' : ` where id <= ${Math.trunc(maxId)}`;
    const result = await this.client.query<{ rows: string; fingerprint: string }>(
      `select count(*) as rows, coalesce(sum(hashtext(t::text)::int8), 0) as fingerprint from ${COPY_TABLE} t${where}`,
    );
    const row = result.rows[0];
    return { rows: Number(row?.rows ?? 0), fingerprint: row?.fingerprint ?? '0' };
  }

  async dropCopyTable(): Promise<void> {
    await this.client.query(`drop table if exists ${COPY_TABLE}`);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
