/**
 * What a failed commit leaves, as typed fields decided where the commit happens (never read from a
 * message): a COMMIT the server refuses (a deferred constraint) rolls its shard back; a barrier where
 * one shard committed and another was refused is broken, with the committed shards counted.
 */
import { connect } from '@haul/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { CommitError, LoadFailedError } from '../../src/errors.ts';
import { load } from '../../src/load/load.ts';
import { commitBarrier } from '../../src/load/two-phase.ts';
import { type Admin, adminClient, scalar, uniqueName, via } from '../support/database.ts';
import { failureOf } from '../support/load-failure.ts';

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  let parent: string;
  beforeAll(async () => {
    admin = adminClient(url);
    parent = uniqueName('parent');
    await admin.unsafe(`create table ${parent} (id int primary key); insert into ${parent} values (1)`);
  });
  afterAll(async () => {
    await admin.unsafe(`drop table if exists ${parent} cascade`);
    await admin.end();
  });

  /** A child table whose foreign key is checked only at COMMIT. */
  async function deferredChild(): Promise<string> {
    const name = uniqueName('child');
    await admin.unsafe(
      `create table ${name} (id int, parent int references ${parent} deferrable initially deferred)`,
    );
    return name;
  }

  it('a load whose COMMIT the server refuses is rolled back, in the commit phase', async () => {
    const name = await deferredChild();
    const failure = await failureOf(
      load({ ...via(url), table: name, source: 'id,parent\n1,1\n2,99\n', format: 'csv', shards: 1 }),
    );
    expect(failure).toBeInstanceOf(LoadFailedError);
    expect(failure).toMatchObject({ rolledBack: true, committedShards: 0, phase: 'commit' });
    const cause = (failure as LoadFailedError).cause;
    expect(cause).toBeInstanceOf(CommitError);
    expect(cause).toMatchObject({
      phase: 'commit',
      shard: 0,
      committedShards: 0,
      shards: 1,
      rolledBack: true,
    });
    expect(await scalar(admin, `select count(*)::int as n from ${name}`)).toBe(0);
  });

  it('a barrier where one shard commits and another is refused is broken, and says how far', async () => {
    const name = await deferredChild();
    const conns = await Promise.all([connect(url), connect(url)]);
    try {
      for (const [index, conn] of conns.entries()) {
        await conn.exec('begin');
        await conn.exec(`insert into ${name} values (${index}, ${index === 0 ? 1 : 99})`);
      }
      const failure = await failureOf(commitBarrier(conns.map((conn, index) => ({ index, conn }))));
      expect(failure).toBeInstanceOf(CommitError);
      expect(failure).toMatchObject({
        phase: 'commit',
        shard: 1,
        committedShards: 1,
        shards: 2,
        rolledBack: false,
      });
      expect(await scalar(admin, `select count(*)::int as n from ${name}`)).toBe(1);
    } finally {
      await Promise.all(conns.map((conn) => conn.close()));
    }
  });
});
