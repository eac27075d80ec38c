/**
 * Two-phase commit on a server with max_prepared_transactions > 0: a sharded load commits through
 * PREPARE TRANSACTION, and `recover` finishes or undoes a load whose coordinator died midway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../../../tools/embedded-postgres.ts';
import { connect } from '../../../protocol/src/adapters/node.ts';
import { load } from '../../src/load/load.ts';
import { listPreparedLoads, recoverLoad } from '../../src/load/recover.ts';
import { formatGid } from '../../src/load/two-phase.ts';
import { type Admin, adminClient, scalar, uniqueName } from '../support/database.ts';

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
});
