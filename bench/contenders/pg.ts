/**
 * node-postgres: `new pg.Client`, one connection. It queues queries and sends the next only after
 * the previous one's ReadyForQuery, so issuing all at once measures one round trip per query.
 */

import pg from 'pg';
import { timed } from '../lib/clock.ts';
import { checkSelectEcho, SELECT_COLUMN, SELECT_SQL } from '../lib/workloads.ts';
import type { Contender, Session } from './types.ts';

function selectSession(client: pg.Client): Session {
  return {
    async run(count) {
      let results: pg.QueryResult[] = [];
      const elapsed = await timed(async () => {
        const pending = new Array<Promise<pg.QueryResult>>(count);
        for (let i = 0; i < count; i++) pending[i] = client.query(SELECT_SQL, [i]);
        results = await Promise.all(pending);
      });
      checkSelectEcho(count, results.length, results.at(-1)?.rows[0]?.[SELECT_COLUMN]);
      return elapsed;
    },
    close: () => client.end(),
  };
}

export const pgSelect: Contender = {
  name: 'pg',
  workload: 'select',
  async open(url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return selectSession(client);
  },
};
