/**
 * The slice of PGlite the engine uses, and the adapter that lets the loader's planning (catalog reads,
 * CREATE TABLE) run over PGlite or one of its transactions.
 */
import type { Transaction } from '@electric-sql/pglite';
import type { SqlRunner } from '@haul/loader/copy-encode';

/** PGlite itself or a transaction of it: both run queries the same way. */
export type Queryable = Pick<Transaction, 'query' | 'exec'>;

export function sqlRunner(db: Queryable): SqlRunner {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const result = await db.query<T>(sql, params ?? []);
      return { rows: result.rows };
    },
    exec: (sql: string) => db.exec(sql),
  };
}
