/**
 * The load's chunk budget against a real server: 1, 2 and 4 shards dealt chunks in turn, one
 * encoder and one ChunkPool, as load() runs them. The chunks RecentChunks keeps are a budget of
 * the load (recentBytesPerShard), not of each shard: the storage allocated, the most chunks alive at
 * once, must stay under the same bound for N and 4N chunks, and grow with the shards only by what
 * each shard queues and sends, never by another share of the recent chunks.
 */
import { connect } from '@haul/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { CHUNK_SLACK } from '../../src/load/chunk-builder.ts';
import { ChunkEncoder } from '../../src/load/chunk-encoder.ts';
import { ChunkPool } from '../../src/load/chunk-pool.ts';
import { plainColumn } from '../../src/load/new-table.ts';
import { recentBytesPerShard } from '../../src/load/refused-row.ts';
import { SHARD_QUEUE, Shard, type ShardItem } from '../../src/load/shard.ts';
import { LoadShardTransactions } from '../../src/load/shard-transactions.ts';
import type { TargetColumn } from '../../src/schema/target.ts';
import { type Admin, adminClient, scalar, uniqueName } from '../support/database.ts';

const CHUNK_BYTES = 4096;
/** The load's recent chunks, scaled down with the chunks: 32 of them, at least 4 per shard. */
const RECENT_TOTAL = 32 * CHUNK_BYTES;
const RECENT_MIN = 4 * CHUNK_BYTES;
/** Rows of "<8 digits>\n": chunks of about CHUNK_BYTES. */
const ROWS_PER_CHUNK = CHUNK_BYTES / 9;

const column: TargetColumn = { ...plainColumn('n', 'int8', 1), typeOid: 20, formatType: 'bigint' };

/**
 * Chunks alive at once at most: the load's recent ones (its budget, or each shard's minimum when
 * that is more), per shard the one it is sending and what it queues, the one the dealer holds and
 * the one being filled.
 */
function chunkBound(shards: number): number {
  const recent = Math.max(RECENT_TOTAL, shards * RECENT_MIN) / CHUNK_BYTES;
  return recent + shards * (1 + SHARD_QUEUE) + 2;
}

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  async function run(chunks: number, shards: number) {
    const name = uniqueName('chunk_budget');
    await admin.unsafe(`create table ${name} (n int8)`);
    // Room for every storage given back: `allocated` is then the most chunks alive at once.
    const pool = new ChunkPool(CHUNK_BYTES + CHUNK_SLACK, 10_000);
    const encoder = new ChunkEncoder(
      {
        format: 'text',
        columns: [column],
        fieldIndex: [0],
        keyIndex: null,
        width: 1,
        converters: [],
        keepText: false,
        chunkBytes: CHUNK_BYTES,
        batchRows: null,
      },
      () => new Uint8Array(0),
      (error) => {
        throw error;
      },
      pool,
    );
    const abort = new AbortController();
    const transactions = new LoadShardTransactions({
      mode: 'atomic',
      onError: 'abort',
      sql: { text: `copy ${name} (n) from stdin` },
      signal: abort.signal,
      control: null,
      twoPhase: false,
      lockTimeout: 5_000,
      reject: async () => {
        throw new Error('no row is bad');
      },
      recentBytes: recentBytesPerShard(shards, RECENT_TOTAL, RECENT_MIN),
    });
    const conns = await Promise.all(Array.from({ length: shards }, () => connect(url)));
    // Dealt in turn, not to whichever shard is idle: with rows this cheap the encoder is the slow
    // side, and one shard would carry nearly every chunk (and keep few).
    let wake: (() => void) | null = null;
    const group = conns.map((conn, i) => new Shard(i, Promise.resolve(conn), () => wake?.(), 'text'));
    const runs = group.map((shard) => shard.run(transactions));
    let dealt = 0;
    const deal = async (item: ShardItem) => {
      const shard = group[dealt++ % shards]!;
      while (!shard.hasRoom) await new Promise<void>((resolve) => (wake = resolve));
      shard.push(item);
    };
    const rows = Math.round(chunks * ROWS_PER_CHUNK);
    try {
      const batchRows = 1000;
      for (let start = 0; start < rows; start += batchRows) {
        const values = Array.from({ length: Math.min(batchRows, rows - start) }, (_, i) => [
          10_000_000 + start + i,
        ]);
        const rowLine = values.map((_, i) => start + i + 1);
        const batch = { rows: values, rowLine, sourceStart: 0, sourceEnd: 0 };
        for (const chunk of encoder.encode({ kind: 'values', batch }))
          await deal({ kind: 'chunk', chunk, batch: 0 });
      }
      const last = encoder.finish();
      if (last) await deal({ kind: 'chunk', chunk: last, batch: 0 });
      for (const shard of group) shard.push({ kind: 'end-batch', batch: 0 });
      for (const shard of group) shard.push({ kind: 'end' });
      await Promise.all(runs);
      for (const conn of conns) await conn.exec('commit');
    } finally {
      for (const conn of conns) await conn.close();
    }
    const stored = await scalar(admin, `select count(*)::int from ${name}`);
    const sum = await scalar(admin, `select (sum(n) - count(*) * 10000000)::float8 from ${name}`);
    await admin.unsafe(`drop table ${name}`);
    const sent = group.reduce((total, shard) => total + shard.chunks, 0);
    return { shards: group.map((shard) => shard.chunks), rows, stored, sum, sent, allocated: pool.allocated };
  }

  for (const shards of [1, 2, 4]) {
    it(`${shards} shard(s): the chunks alive at once stay under the load's bound for N and 4N chunks`, async () => {
      const small = await run(60, shards);
      const large = await run(240, shards);
      console.log(
        'BUDGET',
        shards,
        small.allocated,
        large.allocated,
        chunkBound(shards),
        large.shards.join('/'),
      );
      for (const outcome of [small, large]) {
        expect(outcome.stored).toBe(outcome.rows);
        // 0 + 1 + … + (rows - 1): every value exactly once.
        expect(outcome.sum).toBe((outcome.rows * (outcome.rows - 1)) / 2);
        expect(outcome.allocated).toBeLessThanOrEqual(chunkBound(shards));
      }
      // Every shard carried its share.
      for (const shard of large.shards) expect(shard).toBeGreaterThanOrEqual(Math.floor(large.sent / shards));
      expect(large.sent).toBeGreaterThanOrEqual(4 * small.sent - 1);
    });
  }

  it('the recent chunks are shared: 4 shards keep no more of them than 1 does', () => {
    const recent = (shards: number) => shards * recentBytesPerShard(shards, RECENT_TOTAL, RECENT_MIN);
    expect(recent(2)).toBeLessThanOrEqual(recent(1));
    expect(recent(4)).toBeLessThanOrEqual(recent(1));
    // The defaults: 2 MiB for the load, at least 512 KiB per shard, above a socket's 256 KiB.
    expect(recentBytesPerShard(1)).toBe(2 << 20);
    expect(recentBytesPerShard(4)).toBe(512 << 10);
    expect(recentBytesPerShard(16)).toBe(512 << 10);
  });
});
