/**
 * Two-phase commit on a server with max_prepared_transactions > 0: a sharded load commits through
 * PREPARE TRANSACTION, and `recover` finishes or undoes a load whose coordinator died midway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../../../tools/embedded-postgres.ts';
import { connect } from '../../../protocol/src/adapters/node.ts';
import { LoadFailedError } from '../../src/errors.ts';
import { markerFor } from '../../src/load/create-table.ts';
import { load } from '../../src/load/load.ts';
import { listPreparedLoads, recoverLoad } from '../../src/load/recover.ts';
import { listProvisionalTables, settleProvisionalTables } from '../../src/load/recover-tables.ts';
import { commitTwoPhase, formatGid } from '../../src/load/two-phase.ts';
import { type Admin, adminClient, openTransactions, scalar, uniqueName } from '../support/database.ts';
import { expectCommitError, failureOf } from '../support/load-failure.ts';

describe('two-phase commit and recover', () => {
  let server: EmbeddedPostgres;
  let admin: Admin;
  beforeAll(async () => {
    server = await startEmbeddedPostgres({ postgresqlConf: { max_prepared_transactions: '10' } });
    admin = adminClient(server.url);
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await server?.stop();
  });

  it('a sharded atomic load commits with PREPARE TRANSACTION', async () => {
    const name = uniqueName('tpc');
    await admin.unsafe(`create table ${name} (id int, label text)`);
    let text = 'id,label\n';
    for (let i = 0; i < 20_000; i++) text += `${i},row ${i}\n`;
    const report = await load({
      url: server.url,
      connect,
      table: name,
      source: text,
      format: 'csv',
      shards: 3,
      chunkBytes: 16 * 1024,
    });
    expect(report.commit).toBe('two-phase');
    expect(report.rows).toBe(20_000);
    const n = await scalar(admin, `select count(*)::int as n from ${name}`);
    expect(n).toBe(20_000);
    const left = await admin.unsafe(`select gid from pg_prepared_xacts where gid like $1`, [
      `haul:${report.loadId}:%`,
    ]);
    expect(left.length).toBe(0);
  });

  it("commit 'two-phase' asked for runs as auto does here, capped at what the server prepares", async () => {
    const name = uniqueName('tpc_cap');
    await admin.unsafe(`create table ${name} (id int, label text)`);
    let text = 'id,label\n';
    for (let i = 0; i < 40_000; i++) text += `${i},row ${i}\n`;
    const report = await load({
      url: server.url,
      connect,
      table: name,
      source: text,
      format: 'csv',
      shards: 12,
      commit: 'two-phase',
      chunkBytes: 8 * 1024,
    });
    expect(report).toMatchObject({ commit: 'two-phase', rows: 40_000 });
    expect(report.shards.length).toBeLessThanOrEqual(10);
    expect(report.shardsReason).toMatch(/^10 of 12 used: the server prepares at most 10/);
    expect(await scalar(admin, `select count(*)::int as n from ${name}`)).toBe(40_000);
  });

  /** Leaves a load prepared on 3 connections as a crashed coordinator would, shard 0 optionally committed. */
  async function strandLoad(name: string, loadId: string, commitShard0: boolean): Promise<void> {
    const conns = await Promise.all([0, 1, 2].map(() => connect(server.url)));
    try {
      let xid = '';
      for (const [index, conn] of conns.entries()) {
        await conn.exec('begin');
        if (index === 0)
          xid = (await conn.query<{ x: string }>('select txid_current()::text as x')).rows[0]!.x;
        await conn.query(
          `insert into ${name} select g, 'shard ${index}' from generate_series($1::int, $2::int) g`,
          [index * 100, index * 100 + 99],
        );
      }
      const gid = (shard: number) => formatGid({ loadId, shard, shards: 3, decidingXid: xid, table: name });
      for (const [index, conn] of conns.entries()) await conn.exec(`prepare transaction '${gid(index)}'`);
      if (commitShard0) await conns[0]!.exec(`commit prepared '${gid(0)}'`);
    } finally {
      await Promise.all(conns.map((conn) => conn.close()));
    }
  }

  it('recover commits the rest of a load whose shard 0 committed', async () => {
    const name = uniqueName('tpc_commit');
    await admin.unsafe(`create table ${name} (id int, label text)`);
    const loadId = uniqueName('crashed');
    await strandLoad(name, loadId, true);
    const loads = await listPreparedLoads({ url: server.url, connect });
    const stranded = loads.find((candidate) => candidate.loadId === loadId);
    expect(stranded).toMatchObject({ shards: 3, prepared: [1, 2], decision: 'commit', table: name });
    expect(await recoverLoad({ url: server.url, connect }, loadId, 'auto')).toEqual({
      loadId,
      committed: 2,
      rolledBack: 0,
    });
    const n = await scalar(admin, `select count(*)::int as n from ${name}`);
    expect(n).toBe(300);
  });

  it('recover rolls back a load whose shard 0 is still prepared', async () => {
    const name = uniqueName('tpc_rollback');
    await admin.unsafe(`create table ${name} (id int, label text)`);
    const loadId = uniqueName('undecided');
    await strandLoad(name, loadId, false);
    const stranded = (await listPreparedLoads({ url: server.url, connect })).find((c) => c.loadId === loadId);
    expect(stranded).toMatchObject({ prepared: [0, 1, 2], decision: 'rollback' });
    expect(await recoverLoad({ url: server.url, connect }, loadId, 'auto')).toEqual({
      loadId,
      committed: 0,
      rolledBack: 3,
    });
    const n = await scalar(admin, `select count(*)::int as n from ${name}`);
    expect(n).toBe(0);
  });

  const comment = async (name: string) =>
    (await admin.unsafe(`select obj_description($1::regclass, 'pg_class') as c`, [name]))[0]!.c;

  it('a sharded createTable load commits two-phase, and its table stops being provisional with it', async () => {
    const name = uniqueName('tpc_create');
    let text = 'id,,label\n';
    for (let i = 0; i < 20_000; i++) text += `${i},x,row ${i}\n`;
    const options = { url: server.url, connect, table: name, source: text, format: 'csv' as const };
    const report = await load({ ...options, shards: 3, chunkBytes: 16 * 1024, createTable: true });
    expect(report).toMatchObject({ commit: 'two-phase', rows: 20_000 });
    expect(report.createdTable).toContain('"col2"');
    expect(await comment(name)).toBeNull();
    expect(await scalar(admin, `select count(col2)::int from ${name}`)).toBe(20_000);
  });

  it('a failed two-phase createTable load leaves no table', async () => {
    const name = uniqueName('tpc_create_fail');
    let text = 'id,label\n';
    for (let i = 0; i < 20_000; i++) text += `${i === 15_000 ? 'x' : i},row ${i}\n`;
    const error = await load({
      url: server.url,
      connect,
      table: name,
      source: text,
      format: 'csv',
      shards: 3,
      chunkBytes: 16 * 1024,
      createTable: true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadFailedError);
    expect((error as LoadFailedError).createdTable?.dropped).toBe(true);
    expect(await scalar(admin, `select count(*)::int from pg_class where relname = $1`, [name])).toBe(0);
  });

  it.each([
    [false, 'rolled back: the table is dropped'],
    [true, 'committed: the table is kept with the rows'],
  ])(
    'a crash after PREPARE into a created table, shard 0 committed %s — recover resolves the load, then settles the table (%s)',
    async (shard0, _) => {
      const name = uniqueName('tpc_orphan');
      const loadId = uniqueName('crashed_create');
      // What a createTable load leaves once it created its table and its coordinator died after PREPARE.
      await admin.unsafe(`create table ${name} (id int, label text)`);
      await admin.unsafe(`comment on table ${name} is '${markerFor(loadId)}'`);
      await strandLoad(name, loadId, shard0);
      const via = { url: server.url, connect };
      expect(await listProvisionalTables(via)).toContainEqual({
        table: `"public"."${name}"`,
        createdBy: loadId,
      });
      // The prepared shards still hold it: kept, untouched.
      expect(await settleProvisionalTables(via, loadId)).toEqual([
        expect.objectContaining({
          dropped: false,
          keptBecause: 'a session or prepared transaction holds it',
        }),
      ]);
      await recoverLoad(via, loadId, 'auto');
      const settled = await settleProvisionalTables(via, loadId);
      if (shard0) {
        expect(settled).toEqual([
          expect.objectContaining({ dropped: false, keptBecause: 'it has committed rows' }),
        ]);
        expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(300);
        expect(await comment(name)).toBeNull();
      } else {
        expect(settled).toEqual([expect.objectContaining({ dropped: true, createdBy: loadId })]);
        expect(await scalar(admin, `select count(*)::int from pg_class where relname = $1`, [name])).toBe(0);
      }
      expect((await listProvisionalTables(via)).some((t) => t.createdBy === loadId)).toBe(false);
    },
  );

  it('a follower whose COMMIT PREPARED fails leaves the load committed, and the CommitError says so', async () => {
    const name = uniqueName('tpc_lost');
    await admin.unsafe(`create table ${name} (id int)`);
    const shards = await openTransactions(server.url, 2, (i) => `insert into ${name} values (${i})`);
    const gids = [`haul:lost-${name}:0`, `haul:lost-${name}:1`];
    let calls = 0;
    try {
      // Shard 1's second gid (its COMMIT PREPARED) names no prepared transaction: that commit fails.
      const gid = (index: number) => (index === 1 && ++calls > 1 ? `${gids[1]}-gone` : gids[index]!);
      expectCommitError(await failureOf(commitTwoPhase(shards, gid)), {
        phase: 'commit-prepared',
        shard: 1,
        committedShards: 1,
        shards: 2,
        rolledBack: false,
      });
      expect(await scalar(admin, `select count(*)::int as n from ${name}`)).toBe(1);
    } finally {
      await admin.unsafe(`rollback prepared '${gids[1]}'`).catch(() => {});
      await Promise.all(shards.map(({ conn }) => conn.close()));
    }
  });
});
