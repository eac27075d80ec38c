/**
 * node-postgres with pg-copy-streams-binary's `rowWriter` (binary format) piped into pg-copy-streams.
 * The library has no uuid type and its int8 takes only a bigint, so each row is adapted on the way:
 * `id` becomes a bigint, and `ref` goes as `bytea` with the uuid's 16 bytes (uuid's binary form is
 * exactly those bytes, which bytea's send writes as they are). Everything else is sent as its own
 * type; timestamptz takes the Date (ms precision, as our rows have).
 */

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
// A CommonJS module whose exports Node cannot list for ESM: only its default import works.
import copyBinary, { type TypedValue } from 'pg-copy-streams-binary';
import { timed } from '../lib/clock.ts';
import { COPY_TABLE, type CopyRow } from '../lib/copy-rows.ts';
import type { Contender, Session } from './types.ts';

const COPY_IN_SQL = `copy ${COPY_TABLE} from stdin (format binary)`;

function uuidBytes(text: string): Buffer {
  return Buffer.from(text.replaceAll('-', ''), 'hex');
}

/** One row as rowWriter wants it: `{ type, value }` per field, adapted as the module comment says. */
function typedRow(row: CopyRow): TypedValue[] {
  const [id, name, score, at, active, ref, note] = row;
  return [
    { type: 'int8', value: BigInt(id) },
    { type: 'text', value: name },
    { type: 'float8', value: score },
    { type: 'timestamptz', value: at },
    { type: 'bool', value: active },
    { type: 'bytea', value: uuidBytes(ref) },
    { type: 'text', value: note },
  ];
}

function* typedRows(rows: readonly CopyRow[], count: number): Generator<TypedValue[]> {
  for (let i = 0; i < count; i++) yield typedRow(rows[i]!);
}

function loadSession(client: pg.Client, rows: readonly CopyRow[]): Session {
  return {
    async run(count) {
      let bytes = 0;
      let rowCount = 0;
      const ms = await timed(async () => {
        const writer = copyBinary.rowWriter();
        writer.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        const stream = client.query(copyFrom(COPY_IN_SQL));
        // pipeline honours each stream's backpressure (write() === false → wait for 'drain').
        await pipeline(Readable.from(typedRows(rows, count)), writer, stream);
        rowCount = stream.rowCount;
      });
      if (rowCount !== count) throw new Error(`COPY reported ${rowCount} rows, expected ${count}`);
      return { ms, bytes };
    },
    close: () => client.end(),
  };
}

export function pgBinaryCopyIn(rows: readonly CopyRow[]): Contender {
  return {
    name: 'pg + pg-copy-streams-binary rowWriter',
    workload: 'copy-in',
    async open(url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return loadSession(client, rows);
    },
  };
}
