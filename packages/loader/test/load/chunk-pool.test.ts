/**
 * The chunk ChunkPool's ownership rule (chunk.ts) against a real server: chunks encoded as the COPY
 * pulls them, through a shard's transactions in abort and reject mode. The buffers allocated must be
 * the same for N and 4N chunks (every later chunk reuses one given back), and every row must land.
 */
import type { Connection } from '@haul/protocol';
import { connect } from '@haul/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import type { EncodedChunk } from '../../src/load/chunk.ts';
import { CHUNK_SLACK } from '../../src/load/chunk-builder.ts';
import { ChunkEncoder } from '../../src/load/chunk-encoder.ts';
import { ChunkPool } from '../../src/load/chunk-pool.ts';
import { plainColumn } from '../../src/load/new-table.ts';
import { Shard } from '../../src/load/shard.ts';
import { LoadShardTransactions } from '../../src/load/shard-transactions.ts';
import type { TargetColumn } from '../../src/schema/target.ts';
import { type Admin, adminClient, scalar, uniqueName } from '../support/database.ts';

const CHUNK_BYTES = 4096;
/** What each COPY keeps to find a refused row: a few chunks, so reuse starts early. */
const RECENT_BYTES = 8 * CHUNK_BYTES;
/** Rows of "<8 digits>\n": chunks of about CHUNK_BYTES. */
const ROWS_PER_CHUNK = CHUNK_BYTES / 9;

const column: TargetColumn = { ...plainColumn('n', 'int8', 1), typeOid: 20, formatType: 'bigint' };

/** Chunks of `rows` integers, each encoded only when the COPY asks for it. */
function lazyChunks(encoder: ChunkEncoder, rows: number): () => Promise<EncodedChunk | null> {
  function* all(): Generator<EncodedChunk> {
    const batchRows = 1000;
    for (let first = 0; first < rows; first += batchRows) {
      const values = Array.from({ length: Math.min(batchRows, rows - first) }, (_, i) => [
        10_000_000 + first + i,
      ]);
      const rowLine = values.map((_, i) => first + i + 1);
      yield* encoder.encode({
        kind: 'values',
        batch: { rows: values, rowLine, sourceStart: 0, sourceEnd: 0 },
      });
    }
    const last = encoder.finish();
    if (last) yield last;
  }
  const chunks = all();
  return async () => chunks.next().value ?? null;
}

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  let conn: Connection;
  beforeAll(async () => {
    admin = adminClient(url);
    conn = await connect(url);
  });
  afterAll(async () => {
    await conn.close();
    await admin.end();
  });

  async function run(chunks: number, onError: 'abort' | 'reject') {
    const name = uniqueName('chunk_pool');
    await admin.unsafe(`create table ${name} (n int8)`);
    const pool = new ChunkPool(CHUNK_BYTES + CHUNK_SLACK, 64);
    const encoder = new ChunkEncoder(
      {
        format: 'text',
        columns: [column],
        fieldIndex: [0],
        keyIndex: null,
        width: 1,
        converters: [],
        keepText: onError === 'reject',
        chunkBytes: CHUNK_BYTES,
        batchRows: null,
      },
      () => new Uint8Array(0),
      (error) => {
        throw error;
      },
      pool,
    );
    const transactions = new LoadShardTransactions({
      mode: 'atomic',
      onError,
      sql: { text: `copy ${name} (n) from stdin` },
      signal: new AbortController().signal,
      control: null,
      twoPhase: false,
      lockTimeout: 5_000,
      reject: async () => {
        throw new Error('no row is bad');
      },
      recentBytes: RECENT_BYTES,
    });
    const shard = new Shard(0, Promise.resolve(conn), () => {}, 'text');
    const rows = Math.round(chunks * ROWS_PER_CHUNK);
    await transactions.beginBatch(shard, 0);
    await transactions.copyChunks(shard, lazyChunks(encoder, rows));
    await conn.exec('commit');
    const stored = await scalar(admin, `select count(*)::int from ${name}`);
    const sum = await scalar(admin, `select (sum(n) - count(*) * 10000000)::float8 from ${name}`);
    await admin.unsafe(`drop table ${name}`);
    return { rows, stored, sum, sent: shard.chunks, allocated: pool.allocated, reused: pool.reused };
  }

  for (const onError of ['abort', 'reject'] as const) {
    it(`onError ${onError}: the same buffers serve N and 4N chunks, every row stored`, async () => {
      const small = await run(50, onError);
      const large = await run(200, onError);
      for (const outcome of [small, large]) {
        expect(outcome.stored).toBe(outcome.rows);
        // 0 + 1 + … + (rows - 1): every value exactly once.
        expect(outcome.sum).toBe((outcome.rows * (outcome.rows - 1)) / 2);
      }
      expect(large.sent).toBeGreaterThanOrEqual(4 * small.sent - 1);
      // At most the chunks RecentChunks keeps, plus the one being sent and the one being filled.
      expect(small.allocated).toBeLessThanOrEqual(RECENT_BYTES / CHUNK_BYTES + 4);
      expect(large.allocated).toBe(small.allocated);
      expect(large.reused).toBe(large.sent + 1 - large.allocated);
    });
  }
});
