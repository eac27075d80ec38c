/**
 * Haul over the Node adapter, one connection: `select` with default options, and `insert` under
 * the two per-query Sync policies (`sync: 'auto'` and `sync: 'independent'`).
 */

import { connect } from '@haul/protocol/node';
import { timed } from '../lib/clock.ts';
import { checkSelectEcho, INSERT_SQL, insertParams, SELECT_COLUMN, SELECT_SQL } from '../lib/workloads.ts';
import type { Contender, Session } from './types.ts';

type Db = Awaited<ReturnType<typeof connect>>;
type QueryResult = Awaited<ReturnType<Db['query']>>;
type EchoRow = Record<string, unknown>;
type InsertSync = 'auto' | 'independent';

async function openDb(url: string): Promise<Db> {
  const db = await connect(url);
  await db.query('select 1'); // make sure the session is ready before any timed run
  return db;
}

function selectSession(db: Db): Session {
  return {
    async run(count) {
      let results: QueryResult[] = [];
      const elapsed = await timed(async () => {
        const pending = new Array<Promise<QueryResult>>(count);
        for (let i = 0; i < count; i++) pending[i] = db.query(SELECT_SQL, [i]);
        results = await Promise.all(pending);
      });
      checkSelectEcho(
        count,
        results.length,
        (results.at(-1)?.rows[0] as EchoRow | undefined)?.[SELECT_COLUMN],
      );
      return elapsed;
    },
    close: () => db.close(),
  };
}

function insertSession(db: Db, sync: InsertSync): Session {
  return {
    run(count) {
      const at = new Date().toISOString();
      return timed(async () => {
        const pending = new Array<Promise<QueryResult>>(count);
        for (let i = 0; i < count; i++) pending[i] = db.query(INSERT_SQL, insertParams(i, at), { sync });
        await Promise.all(pending);
      });
    },
    close: () => db.close(),
  };
}

function haulInsert(sync: InsertSync): Contender {
  return {
    name: `Haul (sync: ${sync})`,
    workload: 'insert',
    open: async (url) => insertSession(await openDb(url), sync),
  };
}

export const haulSelect: Contender = {
  name: 'Haul',
  workload: 'select',
  open: async (url) => selectSession(await openDb(url)),
};

export const haulInsertAuto = haulInsert('auto');
export const haulInsertIndependent = haulInsert('independent');
