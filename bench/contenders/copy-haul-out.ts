/**
 * Haul's binary COPY out: `db.copyOut` streams the payload, and BinaryCopyDecoder turns it into rows
 * of JS values as it arrives; the run counts the decoded rows.
 */

import { BinaryCopyDecoder } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import { timed } from '../lib/clock.ts';
import { COPY_COLUMNS, copyOutSource } from '../lib/copy-rows.ts';
import type { Contender, Session } from './types.ts';

type Db = Awaited<ReturnType<typeof connect>>;

function copyOutSession(db: Db, total: number): Session {
  return {
    async run(count) {
      let bytes = 0;
      let decoded = 0;
      let rowCount: number | null = null;
      const ms = await timed(async () => {
        const decoder = new BinaryCopyDecoder(COPY_COLUMNS);
        const out = db.copyOut(`copy ${copyOutSource(count, total)} to stdout (format binary)`);
        for await (const chunk of out) {
          bytes += chunk.length;
          decoded += decoder.push(chunk).length;
        }
        decoder.end();
        ({ rowCount } = await out.result);
      });
      if (decoded !== count || rowCount !== count) {
        throw new Error(`decoded ${decoded} rows, COPY reported ${rowCount}, expected ${count}`);
      }
      return { ms, bytes };
    },
    close: () => db.close(),
  };
}

/** `total`: the rows in the table, so a full run copies the table itself rather than a query. */
export function haulCopyOut(total: number): Contender {
  return {
    name: 'Haul binary COPY + BinaryCopyDecoder',
    workload: 'copy-out',
    async open(url) {
      const db = await connect(url);
      await db.query('select 1');
      return copyOutSession(db, total);
    },
  };
}
