/**
 * Block partitions of a table: n runs of its heap pages, each a ctid range the server reads with a TID
 * Range Scan (PostgreSQL 14+), so every partition reads only its own pages. A key range on a column
 * without an index makes every partition scan the whole table (and planning it scans it once more for
 * min/max); block ranges cost one catalog lookup to plan and no page twice to run.
 *
 * Every row version has exactly one ctid, so within one snapshot the ranges hold each row once. The
 * last range is open above, so pages added after planning are read too. Before PostgreSQL 14 the same
 * conditions still select the same rows, by filtering a full scan.
 */
import type { Connection } from '@haul/protocol';
import { LoadConfigError } from '../errors.ts';
import { EVERYTHING, type KeyRange } from './partitions.ts';
import type { ExportSource } from './source.ts';

/** The row's physical address, the expression block ranges compare. */
export const BLOCK_KEY = 'q.ctid';

/** Relations whose rows have a ctid of their own: tables, materialized views, partitioned tables. */
const BLOCK_KINDS: Record<string, string> = {
  r: 'pg_relation_size(c.oid)',
  m: 'pg_relation_size(c.oid)',
  // A partitioned table's ranges apply to each leaf: the largest leaf sets the cuts.
  p: `(select max(pg_relation_size(t.relid)) from pg_partition_tree(c.oid) t where t.isleaf)`,
};

const BLOCKS_SQL = `
select c.relkind as kind,
  case c.relkind
    ${Object.entries(BLOCK_KINDS)
      .map(([kind, size]) => `when '${kind}' then coalesce(${size}, 0)`)
      .join('\n    ')}
  end / current_setting('block_size')::int8 as blocks
from pg_class c where c.oid = to_regclass($1)`;

/** What BLOCKS_SQL found: nothing when the name resolves to no relation. */
export type BlocksRow = { kind: string; blocks: string | null } | undefined;

/**
 * The pages of the relation `name` (quoted as SQL) names, or nothing: to_regclass, so a missing
 * table is no error here and the query can be pipelined beside the one that reports it.
 */
export async function queryTableBlocks(
  conn: Connection,
  name: string,
  signal: AbortSignal,
): Promise<BlocksRow> {
  const { rows } = await conn.query<{ kind: string; blocks: string | null }>(BLOCKS_SQL, [name], { signal });
  return rows[0];
}

/** The page count of `source`, a table (options resolution lets no query split by pages). */
export function tableBlocks(source: ExportSource, row: BlocksRow): number {
  if (!row || row.blocks === null) {
    throw new LoadConfigError(
      `${source.label} is not a table (relkind '${row?.kind ?? '?'}'): pass partitionOn, a column to split its rows by`,
    );
  }
  return Number(row.blocks);
}

/** n runs of `blocks` pages of equal size (±1) as ctid ranges; fewer when there are fewer pages. */
export function blockRanges(blocks: number, partitions: number): KeyRange[] {
  const cuts: number[] = [];
  for (let i = 1; i < partitions; i++) {
    const cut = Math.floor((blocks * i) / partitions);
    if (cut > 0 && cut !== cuts[cuts.length - 1]) cuts.push(cut);
  }
  if (cuts.length === 0) return [EVERYTHING];
  const literals = cuts.map((block) => `'(${block},0)'::tid`);
  // ctid is never NULL: no range takes NULLs, which would also keep the server from a TID Range Scan.
  return Array.from({ length: literals.length + 1 }, (_, i) => ({
    lower: literals[i - 1] ?? null,
    upper: literals[i] ?? null,
    nulls: false,
  }));
}
