/**
 * The SQL every contender runs, and the parameters for operation `i`, so that all of them do the
 * same work. Parameters go untyped (OID 0) in every driver, so the server infers their types.
 */

export const SELECT_SQL = 'select $1::int';

/** The column `select $1::int` is named after: PostgreSQL names an unaliased cast by its type. */
export const SELECT_COLUMN = 'int4';

export const INSERT_TABLE = 'bench_insert';

export const CREATE_INSERT_TABLE_SQL = `create table ${INSERT_TABLE} (id int, name text, at timestamptz)`;

export const INSERT_SQL = `insert into ${INSERT_TABLE} (id, name, at) values ($1, $2, $3)`;

/** Parameters of insert `i`; `at` is an ISO-8601 string so no driver pays for its own Date codec. */
export function insertParams(i: number, at: string): [number, string, string] {
  return [i, `name-${i}`, at];
}

/** Throws unless the last of `count` selects echoed its parameter: a cheap guard against lost work. */
export function checkSelectEcho(count: number, resultCount: number, lastValue: unknown): void {
  if (resultCount !== count) {
    throw new Error(`expected ${count} results, got ${resultCount}`);
  }
  if (count > 0 && Number(lastValue) !== count - 1) {
    throw new Error(`last select returned ${String(lastValue)}, expected ${count - 1}`);
  }
}
