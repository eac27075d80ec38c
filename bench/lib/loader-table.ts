/**
 * The loader benchmarks' table, `bench_loader` with the A1 columns, and the unmeasured connection
 * that recreates it before each load and counts and fingerprints what landed.
 */
import pg from 'pg';
import { COPY_COLUMNS } from './copy-rows.ts';

export const LOADER_TABLE = 'bench_loader';

const CREATE_SQL = `create table ${LOADER_TABLE} (${COPY_COLUMNS.map((c) => `${c.name} ${c.type}`).join(', ')})`;

export interface TableSummary {
  rows: number;
  /** Sum of a hash of each row's text: equal sums mean the same values, whatever the row order. */
  fingerprint: string;
}

/** `table`'s row count and value fingerprint, read through `client`. */
export async function summarizeTable(client: pg.Client, table: string): Promise<TableSummary> {
  const result = await client.query<{ rows: string; fingerprint: string }>(
    `select count(*) as rows, coalesce(sum(hashtext(t::text)::int8), 0) as fingerprint from ${table} t`,
  );
  const row = result.rows[0];
  return { rows: Number(row?.rows ?? 0), fingerprint: row?.fingerprint ?? '0' };
}

export class LoaderTable {
  private constructor(private readonly client: pg.Client) {}

  static async open(url: string): Promise<LoaderTable> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new LoaderTable(client);
  }

  /**
   * A fresh, empty table, then a checkpoint so no run pays for writing out the previous run's dirty
   * pages (a 1,000,000-row load leaves about 150 MB of them).
   */
  async recreate(): Promise<void> {
    await this.client.query(`drop table if exists ${LOADER_TABLE}`);
    await this.client.query(CREATE_SQL);
    await this.client.query('checkpoint');
  }

  summarize(): Promise<TableSummary> {
    return summarizeTable(this.client, LOADER_TABLE);
  }

  /** The table's rows; 0 when there is no table (A3 run alone, without A2 before it). */
  async count(): Promise<number> {
    const present = await this.client.query<{ present: boolean }>(
      'select to_regclass($1) is not null as present',
      [LOADER_TABLE],
    );
    if (present.rows[0]?.present !== true) return 0;
    const result = await this.client.query<{ rows: string }>(`select count(*) as rows from ${LOADER_TABLE}`);
    return Number(result.rows[0]?.rows ?? 0);
  }

  /**
   * Visibility hints set and dirty pages written (vacuum freeze, then a checkpoint), so that no
   * reading run pays for what the load left behind: the first scan after a COPY writes every page.
   */
  async settle(): Promise<void> {
    await this.client.query(`vacuum (freeze, analyze) ${LOADER_TABLE}`);
    await this.client.query('checkpoint');
  }

  async drop(): Promise<void> {
    await this.client.query(`drop table if exists ${LOADER_TABLE}`);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
