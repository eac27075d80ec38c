/**
 * What a failed commit leaves, as typed fields decided where the commit happens (never read from a
 * message): a COMMIT the server refuses (a deferred constraint) rolls its shard back; a barrier where
 * one shard committed and another was refused is broken, with the committed shards counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { LoadFailedError } from '../../src/errors.ts';
import { load } from '../../src/load/load.ts';
import { commitBarrier } from '../../src/load/two-phase.ts';
import { type Admin, adminClient, openTransactions, scalar, uniqueName, via } from '../support/database.ts';
import { expectCommitError, failureOf } from '../support/load-failure.ts';

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
    expectCommitError((failure as LoadFailedError).cause, {
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
    const shards = await openTransactions(url, 2, (i) => `insert into ${name} values (${i}, ${i ? 99 : 1})`);
    try {
      expectCommitError(await failureOf(commitBarrier(shards)), {
        phase: 'commit',
        shard: 1,
        committedShards: 1,
        shards: 2,
        rolledBack: false,
      });
      expect(await scalar(admin, `select count(*)::int as n from ${name}`)).toBe(1);
    } finally {
      await Promise.all(shards.map(({ conn }) => conn.close()));
    }
  });
});
