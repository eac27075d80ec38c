/**
 * postgres.js, the baseline: `postgres(url, { max: 1 })`, one connection, default options (named
 * prepared statements, at most 100 queries in flight — its `max_pipeline` default).
 */

import postgres from 'postgres';
import { timed } from '../lib/clock.ts';
import { checkSelectEcho, INSERT_SQL, insertParams, SELECT_COLUMN, SELECT_SQL } from '../lib/workloads.ts';
import type { Contender, Session } from './types.ts';

export const POSTGRESJS = 'postgres.js';

type Sql = postgres.Sql;

async function openSql(url: string): Promise<Sql> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql`select 1`; // connect now, outside any timed run
  return sql;
}

// `sql.unsafe(text, params, { prepare: true })` sends exactly the shared SQL text and prepares it once,
// as a tagged template would.
function selectSession(sql: Sql): Session {
  return {
    async run(count) {
      let results: postgres.RowList<postgres.Row[]>[] = [];
      const elapsed = await timed(async () => {
        const pending = new Array<Promise<postgres.RowList<postgres.Row[]>>>(count);
        for (let i = 0; i < count; i++) pending[i] = sql.unsafe(SELECT_SQL, [i], { prepare: true });
        results = await Promise.all(pending);
      });
      checkSelectEcho(count, results.length, results.at(-1)?.[0]?.[SELECT_COLUMN]);
      return elapsed;
    },
    close: () => sql.end(),
  };
}

function insertSession(sql: Sql): Session {
  return {
    run(count) {
      const at = new Date().toISOString();
      return timed(async () => {
        const pending = new Array<Promise<unknown>>(count);
        for (let i = 0; i < count; i++)
          pending[i] = sql.unsafe(INSERT_SQL, insertParams(i, at), { prepare: true });
        await Promise.all(pending);
      });
    },
    close: () => sql.end(),
  };
}

export const postgresjsSelect: Contender = {
  name: POSTGRESJS,
  workload: 'select',
  open: async (url) => selectSession(await openSql(url)),
};

export const postgresjsInsert: Contender = {
  name: POSTGRESJS,
  workload: 'insert',
  open: async (url) => insertSession(await openSql(url)),
};
