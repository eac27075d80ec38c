/**
 * Keyset partitions of an export: n ranges of the key, cut at n-1 ascending points, that together
 * hold every row exactly once. The first range is open below and also takes the NULL keys; the last is
 * open above; so rows outside the sampled min..max (or outside explicit bounds) still land somewhere.
 * Never OFFSET/LIMIT: each range is a `where` a btree index on the key can serve.
 *
 *   even split     integer keys: min..max in bigint arithmetic (exact beyond 2^53); numeric, float,
 *                  date and timestamp keys: computed by the server in the key's own arithmetic
 *   quantiles      any other ordered type (text, uuid, …), or non-finite min/max: equal-count cuts from
 *                  percentile_disc(…) within group (order by key)
 *   explicit       `bounds`: n+1 values for n ranges; the outermost two only name the nominal ends
 */
import type { Connection } from '@haul/protocol';
import { LoadConfigError } from '../errors.ts';
import type { ExportSource, PartitionKey } from './source.ts';
import { typedLiteral } from './sql-literal.ts';

export interface KeyRange {
  /** Inclusive lower bound as a typed SQL literal, or null when open. */
  lower: string | null;
  /** Exclusive upper bound as a typed SQL literal, or null when open. */
  upper: string | null;
  /** Whether NULL keys belong here (the first range). */
  nulls: boolean;
}

/** The whole source as one range. */
export const EVERYTHING: KeyRange = { lower: null, upper: null, nulls: true };

/** n-1 ascending, distinct cut points (typed literals) → n ranges. */
export function rangesFromCuts(cuts: readonly string[]): KeyRange[] {
  if (cuts.length === 0) return [EVERYTHING];
  const ranges: KeyRange[] = [];
  for (let i = 0; i <= cuts.length; i++) {
    ranges.push({ lower: cuts[i - 1] ?? null, upper: cuts[i] ?? null, nulls: i === 0 });
  }
  return ranges;
}

/** The `where` for one range of `key` (an SQL expression); '' when it is everything. */
export function rangeCondition(key: string, range: KeyRange): string {
  const parts: string[] = [];
  if (range.lower !== null) parts.push(`${key} >= ${range.lower}`);
  if (range.upper !== null) parts.push(`${key} < ${range.upper}`);
  if (parts.length === 0) return range.nulls ? '' : `${key} is not null`;
  const condition = parts.join(' and ');
  return range.nulls ? `(${condition} or ${key} is null)` : condition;
}

/**
 * Cut points splitting the integers min..max (inclusive) into n runs of equal size (±1): run i starts
 * at min + floor(count * i / n). Fewer when there are fewer values than runs (duplicates dropped).
 */
export function evenIntegerCuts(min: bigint, max: bigint, n: number): bigint[] {
  if (max <= min || n <= 1) return [];
  const count = max - min + 1n;
  const parts = BigInt(n);
  const cuts: bigint[] = [];
  for (let i = 1n; i < parts; i++) {
    const cut = min + (count * i) / parts;
    if (cut > min && cut !== cuts[cuts.length - 1]) cuts.push(cut);
  }
  return cuts;
}

export interface PlanOptions {
  partitions: number;
  /** n+1 values as text, or null. */
  bounds: readonly string[] | null;
}

export async function planRanges(
  conn: Connection,
  source: ExportSource,
  key: PartitionKey,
  options: PlanOptions,
  signal: AbortSignal,
): Promise<KeyRange[]> {
  const cuts = options.bounds
    ? await explicitCuts(conn, key, options.bounds, signal)
    : await sampledCuts(conn, source, key, options.partitions, signal);
  return rangesFromCuts(cuts.map((cut) => typedLiteral(cut, key.castType)));
}

async function sampledCuts(
  conn: Connection,
  source: ExportSource,
  key: PartitionKey,
  partitions: number,
  signal: AbortSignal,
): Promise<string[]> {
  if (partitions <= 1) return [];
  if (key.kind === 'ordered') return quantileCuts(conn, source, key, partitions, signal);
  const { rows } = await conn.query<{ lo: string | null; hi: string | null }>(
    `select min(${key.expression})::text as lo, max(${key.expression})::text as hi from ${source.from} q`,
    [],
    { signal },
  );
  const { lo, hi } = rows[0] ?? { lo: null, hi: null };
  if (lo === null || hi === null) return [];
  if (key.kind === 'integer') {
    return evenIntegerCuts(BigInt(lo), BigInt(hi), partitions).map(String);
  }
  // ±Infinity and NaN have no midpoints: fall back to counting.
  if (!isFiniteText(lo) || !isFiniteText(hi)) return quantileCuts(conn, source, key, partitions, signal);
  return serverEvenCuts(conn, key, lo, hi, partitions, signal);
}

function isFiniteText(text: string): boolean {
  return !/^[+-]?(nan|infinity)$/i.test(text.trim());
}

/**
 * Even cuts in the key's own arithmetic; sorted and made distinct by the server, in the key's type, so
 * rounding can never produce cut points out of order.
 */
async function serverEvenCuts(
  conn: Connection,
  key: PartitionKey,
  lo: string,
  hi: string,
  partitions: number,
  signal: AbortSignal,
): Promise<string[]> {
  const t = key.castType;
  // Each parameter is declared text once and cast from there: one parameter cast to two types in one
  // statement would make the server's type inference fail.
  const [min, max, n] = ['$1::text', '$2::text', '$3::text::int4'];
  let cut: string;
  if (key.kind === 'numeric') {
    cut = `${min}::numeric + (${max}::numeric - ${min}::numeric) * g / ${n}`;
  } else if (key.kind === 'date') {
    cut = `${min}::date + (((${max}::date - ${min}::date)::int8 + 1) * g / ${n})::int4`;
  } else {
    cut = `${min}::${t} + (${max}::${t} - ${min}::${t}) * (g::float8 / ${n})`;
  }
  const { rows } = await conn.query<{ b: string }>(
    `select s.b::text as b from (
       select distinct (${cut})::${t} as b from generate_series(1, ${n} - 1) g
     ) s where s.b > ${min}::${t} order by s.b`,
    [lo, hi, String(partitions)],
    { signal },
  );
  return rows.map((r) => r.b);
}

/** Equal-count cut points: the i/n quantiles of the non-NULL keys, repeats dropped (skewed data). */
async function quantileCuts(
  conn: Connection,
  source: ExportSource,
  key: PartitionKey,
  partitions: number,
  signal: AbortSignal,
): Promise<string[]> {
  const fractions = Array.from({ length: partitions - 1 }, (_, i) => (i + 1) / partitions);
  let cuts: (string | null)[] | null;
  try {
    const { rows } = await conn.query<{ cuts: (string | null)[] | null }>(
      `select (percentile_disc($1::float8[]) within group (order by ${key.expression}))::text[] as cuts
       from ${source.from} q`,
      [fractions],
      { signal },
    );
    cuts = rows[0]?.cuts ?? null;
  } catch (error) {
    if (signal.aborted) throw error;
    throw new LoadConfigError(
      `cannot partition ${source.label} on ${JSON.stringify(key.name)} (${key.castType}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const distinct: string[] = [];
  for (const cut of cuts ?? []) {
    if (cut !== null && cut !== distinct[distinct.length - 1]) distinct.push(cut);
  }
  return distinct;
}

/**
 * The inner values of explicit bounds, after the server confirmed (in the key's type and collation)
 * that all of them ascend; repeated inner values are dropped, as they would give empty ranges.
 */
async function explicitCuts(
  conn: Connection,
  key: PartitionKey,
  bounds: readonly string[],
  signal: AbortSignal,
): Promise<string[]> {
  const b = `u.b ${key.collate}`;
  let rows: { up: boolean | null; down: boolean | null }[];
  try {
    ({ rows } = await conn.query<{ up: boolean | null; down: boolean | null }>(
      `select ${b} > lag(${b}) over w as up, ${b} < lag(${b}) over w as down
       from unnest($1::${key.castType}[]) with ordinality u(b, i)
       window w as (order by u.i) order by u.i`,
      [bounds],
      { signal },
    ));
  } catch (error) {
    if (signal.aborted) throw error;
    throw new LoadConfigError(
      `bounds are not valid values of ${JSON.stringify(key.name)} (${key.castType}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const descending = rows.findIndex((row) => row.down === true);
  if (descending > 0) {
    throw new LoadConfigError(
      `bounds must ascend: ${JSON.stringify(bounds[descending])} comes after ${JSON.stringify(bounds[descending - 1])}`,
    );
  }
  const cuts: string[] = [];
  for (let i = 1; i < bounds.length - 1; i++) {
    // i = 1 is kept even when equal to bounds[0]: the outer bounds are nominal, not cut points.
    if (i === 1 || rows[i]!.up === true) cuts.push(bounds[i]!);
  }
  return cuts;
}
