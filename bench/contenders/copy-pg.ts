/**
 * node-postgres with pg-copy-streams, text format: `client.query(copyFrom('copy … from stdin'))`
 * is a Writable, fed the same text-format lines as postgres.js, with backpressure.
 */

import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { timed } from '../lib/clock.ts';
import { COPY_TABLE, type CopyRow } from '../lib/copy-rows.ts';
import { textChunks, writeWithBackpressure } from '../lib/copy-text.ts';
import type { Contender, Session } from './types.ts';

function loadSession(client: pg.Client, rows: readonly CopyRow[]): Session {
  return {
    async run(count) {
      let bytes = 0;
      let rowCount = 0;
      const ms = await timed(async () => {
        const stream = client.query(copyFrom(`copy ${COPY_TABLE} from stdin`));
        bytes = await writeWithBackpressure(stream, textChunks(rows, count));
        rowCount = stream.rowCount;
      });
      if (rowCount !== count) throw new Error(`COPY reported ${rowCount} rows, expected ${count}`);
      return { ms, bytes };
    },
    close: () => client.end(),
  };
}

export function pgCopyIn(rows: readonly CopyRow[]): Contender {
  return {
    name: 'pg + pg-copy-streams text COPY',
    workload: 'copy-in',
    async open(url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return loadSession(client, rows);
    },
  };
}
