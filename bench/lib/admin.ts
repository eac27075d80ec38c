/**
 * A separate, unmeasured connection that prepares and checks the database around the runs: it
 * creates and truncates the insert table and counts what landed.
 */

import pg from 'pg';
import { CREATE_INSERT_TABLE_SQL, INSERT_TABLE } from './workloads.ts';

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

  async close(): Promise<void> {
    await this.client.end();
  }
}
