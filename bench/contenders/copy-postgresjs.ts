/**
 * postgres.js text COPY, the baseline of the COPY tables: `sql\`copy … from stdin\`.writable()` fed
 * text-format lines with backpressure, and `.readable()` for COPY out (bytes counted, not parsed:
 * postgres.js has no COPY decoder).
 */

import { finished } from 'node:stream/promises';
import postgres from 'postgres';
import { timed } from '../lib/clock.ts';
import { COPY_TABLE, type CopyRow, copyOutSource } from '../lib/copy-rows.ts';
import { textChunks, writeWithBackpressure } from '../lib/copy-text.ts';
import type { Contender, Session } from './types.ts';

export const POSTGRESJS_COPY = 'postgres.js text COPY';
export const POSTGRESJS_COPY_OUT = `${POSTGRESJS_COPY} (bytes only)`;

type Sql = postgres.Sql;

const NEWLINE = 0x0a;

async function openSql(url: string): Promise<Sql> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql`select 1`; // connect now, outside any timed run
  return sql;
}

function loadSession(sql: Sql, rows: readonly CopyRow[]): Session {
  return {
    async run(count) {
      let bytes = 0;
      const ms = await timed(async () => {
        // `unsafe` sends the shared table name as is; a tagged template would do the same.
        const stream = await sql.unsafe(`copy ${COPY_TABLE} from stdin`).writable();
        bytes = await writeWithBackpressure(stream, textChunks(rows, count));
      });
      return { ms, bytes };
    },
    close: () => sql.end(),
  };
}

/** Lines in a chunk of text-format COPY data: a raw newline only ever ends a row (others are `\n`). */
function countLines(chunk: Uint8Array): number {
  let lines = 0;
  for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
  return lines;
}

function copyOutSession(sql: Sql, total: number): Session {
  return {
    async run(count) {
      let bytes = 0;
      let lines = 0;
      const ms = await timed(async () => {
        const stream = await sql.unsafe(`copy ${copyOutSource(count, total)} to stdout`).readable();
        // Flowing mode ('data'), not `for await`: a paused read lets postgres.js 3.4.9 pause its socket
        // on the last CopyData and never resume it, so the connection's next query hangs
        // (porsager/postgres#499, fix proposed in #1016).
        stream.on('data', (chunk: Uint8Array) => {
          bytes += chunk.length;
          lines += countLines(chunk);
        });
        await finished(stream);
      });
      if (lines !== count) throw new Error(`received ${lines} lines, expected ${count}`);
      return { ms, bytes };
    },
    close: () => sql.end(),
  };
}

export function postgresjsCopyIn(rows: readonly CopyRow[]): Contender {
  return {
    name: POSTGRESJS_COPY,
    workload: 'copy-in',
    open: async (url) => loadSession(await openSql(url), rows),
  };
}

/** `total`: the rows in the table, so a full run copies the table itself rather than a query. */
export function postgresjsCopyOut(total: number): Contender {
  return {
    name: POSTGRESJS_COPY_OUT,
    workload: 'copy-out',
    open: async (url) => copyOutSession(await openSql(url), total),
  };
}
