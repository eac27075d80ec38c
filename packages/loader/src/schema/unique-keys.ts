/**
 * The keys a conflict-handling load may name: the target's primary key and unique indexes (plain
 * columns, no predicate, no expressions), which is what `INSERT … ON CONFLICT (cols)` can infer an
 * arbiter from. Checked before any data moves.
 */
import type { Connection } from '@haul/protocol';
import { LoadConfigError } from '../errors.ts';
import type { TargetTable } from './target.ts';

export interface UniqueKey {
  /** Key columns in the index's order. */
  columns: readonly string[];
  primary: boolean;
  /** NULLS NOT DISTINCT (PG 15+): rows with NULL keys conflict with each other too. */
  nullsNotDistinct: boolean;
}

export async function readUniqueKeys(conn: Connection, table: TargetTable): Promise<UniqueKey[]> {
  const { rows } = await conn.query<{ columns: string[]; primary: boolean; nulls_not_distinct: boolean }>(
    `select array_agg(a.attname::text order by k.ord) as columns, i.indisprimary as primary,
            coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) as nulls_not_distinct
       from pg_index i
       cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
      where i.indrelid = $1::regclass and i.indisunique and i.indisvalid
        and i.indpred is null and i.indexprs is null
      group by i.indexrelid, i.indisprimary, i.indnkeyatts, to_jsonb(i) ->> 'indnullsnotdistinct'
     having count(*) = i.indnkeyatts`,
    [table.qualified],
  );
  return rows.map((row) => ({
    columns: row.columns,
    primary: row.primary,
    nullsNotDistinct: row.nulls_not_distinct,
  }));
}

/**
 * The unique key whose columns are exactly `key` (in any order, as ON CONFLICT infers it), or a
 * LoadConfigError that lists the keys the table has.
 */
export function matchUniqueKey(
  table: TargetTable,
  keys: readonly UniqueKey[],
  key: readonly string[],
  loaded: readonly string[],
): UniqueKey {
  const missing = key.filter((column) => !loaded.includes(column));
  if (missing.length > 0) {
    throw new LoadConfigError(
      `key column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not loaded from the source`,
    );
  }
  const wanted = new Set(key);
  const found = keys.find(
    (candidate) => candidate.columns.length === wanted.size && candidate.columns.every((c) => wanted.has(c)),
  );
  if (found) return found;
  const known = keys.map((candidate) => `(${candidate.columns.join(', ')})`).join(', ');
  throw new LoadConfigError(
    `${table.qualified} has no primary key or unique index on (${key.join(', ')})` +
      (known ? `; its keys: ${known}` : '; it has no primary key or unique index'),
  );
}
