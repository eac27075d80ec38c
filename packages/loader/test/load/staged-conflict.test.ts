/**
 * Staged loads that handle existing keys, against the server's own meaning of them: the oracle
 * applies the same rows one statement at a time, in file order, with `INSERT … ON CONFLICT` (DO
 * NOTHING for 'skip', DO UPDATE for 'update'), and the loaded table must equal it row for row. The
 * files repeat keys, hold NULLs in non-key columns, and use composite and nullable keys.
 */

import { PostgresError } from '@haul/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { connect } from '../../../protocol/src/adapters/node.ts';
import { LoadConfigError, LoadFailedError } from '../../src/errors.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, csv, scalar, uniqueName, via } from '../support/database.ts';

type Row = [number | null, number | null, string | null, number | null];

/** Deterministic rows (a, b, name, score): keys drawn from a range smaller than the row count. */
function rows(count: number, keys: number, seed: number, nullA = false): Row[] {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x;
  };
  return Array.from({ length: count }, (_, i) => {
    const a = nullA && next() % 10 === 0 ? null : (next() % keys) + 1;
    const b = next() % 3;
    const name = next() % 7 === 0 ? null : `n${i}`;
    const score = next() % 5 === 0 ? null : i / 4;
    return [a, b, name, score];
  });
}

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  /** The target and its oracle twin, both with `existing` rows already in. */
  async function twins(ddl: string, existing: readonly Row[]): Promise<[string, string]> {
    const names = [uniqueName('upsert'), uniqueName('oracle')] as const;
    for (const name of names) {
      await admin.unsafe(`create table ${name} ${ddl}`);
      for (const row of existing) {
        await admin.unsafe(
          `insert into ${name} (a, b, name, score) values ($1, $2, $3, $4) on conflict do nothing`,
          [...row] as never[],
        );
      }
    }
    return [names[0], names[1]];
  }

  /** The oracle: each row its own INSERT … ON CONFLICT, in file order. Returns what the server did. */
  async function oracle(name: string, file: readonly Row[], key: string, conflict: 'skip' | 'update') {
    let inserted = 0;
    let written = 0;
    const keyColumns = key.split(',').map((column) => column.trim());
    const set = ['a', 'b', 'name', 'score']
      .filter((column) => !keyColumns.includes(column))
      .map((column) => `${column} = excluded.${column}`);
    const action = conflict === 'skip' ? 'do nothing' : `do update set ${set.join(', ')}`;
    for (const row of file) {
      const result = await admin.unsafe<{ fresh: boolean }[]>(
        `insert into ${name} (a, b, name, score) values ($1, $2, $3, $4) on conflict (${key}) ${action} returning (xmax = 0) as fresh`,
        [...row] as never[],
      );
      if (result[0]) written++;
      if (result[0]?.fresh) inserted++;
    }
    return { inserted, written };
  }

  async function expectSame(loaded: string, expected: string) {
    const diff = await scalar(
      admin,
      `select count(*)::int from ((select a, b, name, score from ${loaded} except all select a, b, name, score from ${expected})
        union all (select a, b, name, score from ${expected} except all select a, b, name, score from ${loaded})) d`,
    );
    expect(diff).toBe(0);
    const n = await scalar(admin, `select count(*)::int from ${expected}`);
    expect(await scalar(admin, `select count(*)::int from ${loaded}`)).toBe(n);
  }

  it.each(['update', 'skip'] as const)(
    'conflict %s on a primary key equals the per-row server result',
    async (conflict) => {
      const [target, expected] = await twins(
        '(a int primary key, b int, name text, score float8)',
        rows(400, 600, 7),
      );
      const file = rows(2000, 900, 11);
      const server = await oracle(expected, file, 'a', conflict);
      const report = await load({
        ...via(url),
        table: target,
        source: csv(['a', 'b', 'name', 'score'], file),
        format: 'csv',
        shards: 3,
        chunkBytes: 4 * 1024,
        batchRows: 300,
        conflict,
        key: ['a'],
      });
      expect(report.commit).toBe('staged');
      await expectSame(target, expected);
      const published = report.published!;
      expect(published.inserted).toBe(server.inserted);
      if (conflict === 'update') {
        expect(published.updated).toBeGreaterThan(0);
        expect(published.duplicates).toBeGreaterThan(0);
        expect(published.inserted + published.updated + published.duplicates).toBe(file.length);
      } else {
        expect(published.skipped).toBe(file.length - server.inserted);
      }
    },
  );

  it('a first connection that once set haul.batch (a reused session) stages and publishes as a fresh one', async () => {
    const ddl = '(a int primary key, b int, name text, score float8)';
    const file = rows(200, 90, 9);
    const [target, twin] = await twins(ddl, rows(20, 90, 8));
    await oracle(twin, file, 'a', 'update');
    const tagged = String(via(url).url);
    let reused = false;
    const report = await load({
      table: target,
      source: csv(['a', 'b', 'name', 'score'], file),
      format: 'csv',
      conflict: 'update',
      key: ['a'],
      batchRows: 50,
      // The placeholder, once set and reset, reads back as '' (not NULL) in that session.
      connector: async () => {
        const conn = await connect(tagged);
        if (!reused) {
          reused = true;
          await conn.exec('set haul.batch = 3; reset haul.batch');
        }
        return conn;
      },
    });
    expect(report.commit).toBe('staged');
    const diff = `select count(*)::int from ((table ${target} except all table ${twin})
      union all (table ${twin} except all table ${target})) d`;
    expect(await scalar(admin, diff)).toBe(0);
  });

  it('conflict update on a composite key, last occurrence in the file winning', async () => {
    const [target, expected] = await twins(
      '(a int, b int, name text, score float8, primary key (a, b))',
      rows(300, 200, 3),
    );
    const file = rows(1500, 250, 5);
    await oracle(expected, file, 'b, a', 'update');
    await load({
      ...via(url),
      table: target,
      source: csv(['a', 'b', 'name', 'score'], file),
      format: 'csv',
      shards: 2,
      batchRows: 200,
      chunkBytes: 4 * 1024,
      conflict: 'update',
      key: ['b', 'a'],
    });
    await expectSame(target, expected);
  });

  it('a nullable unique key: rows with a NULL key never conflict, as on the server', async () => {
    const [target, expected] = await twins(
      '(a int unique, b int, name text, score float8)',
      rows(50, 100, 9),
    );
    const file = rows(600, 120, 13, true);
    expect(file.some((row) => row[0] === null)).toBe(true);
    await oracle(expected, file, 'a', 'update');
    await load({
      ...via(url),
      table: target,
      source: csv(['a', 'b', 'name', 'score'], file),
      format: 'csv',
      shards: 2,
      batchRows: 100,
      conflict: 'update',
      key: ['a'],
    });
    await expectSame(target, expected);
  });

  it('triggers fire at the publish as for the oracle; one that raises fails it and changes nothing', async () => {
    const ddl = '(a int primary key, b int, name text, score float8)';
    const existing = rows(40, 80, 5);
    // Keys once each: a key repeated in the file reaches the table, and its triggers, once (its last
    // row), where the oracle's row-at-a-time statements would update it once per repeat.
    const lastByKey = new Map(rows(300, 120, 6).map((row) => [row[0], row]));
    const file = [...lastByKey.values()];
    const [target, twin] = await twins(ddl, existing);
    // A BEFORE UPDATE trigger that rewrites the row and an AFTER INSERT one that counts: each must see
    // what the oracle's statements make it see (an update per existing key, an insert per new one).
    await admin.unsafe(`create table ${target}_log (op text)`);
    await admin.unsafe(`create table ${twin}_log (op text)`);
    for (const name of [target, twin]) {
      await admin.unsafe(`create function ${name}_upd() returns trigger language plpgsql as $$
        begin new.name := coalesce(new.name, '') || '+'; return new; end $$`);
      await admin.unsafe(`create function ${name}_ins() returns trigger language plpgsql as $$
        begin insert into ${name}_log values (tg_op); return null; end $$`);
      await admin.unsafe(
        `create trigger u before update on ${name} for each row execute function ${name}_upd()`,
      );
      await admin.unsafe(
        `create trigger i after insert on ${name} for each row execute function ${name}_ins()`,
      );
    }
    await oracle(twin, file, 'a', 'update');
    const source = csv(['a', 'b', 'name', 'score'], file);
    const base = { ...via(url), table: target, format: 'csv' as const, source, conflict: 'update' as const };
    await load({ ...base, key: ['a'], batchRows: 70, shards: 2 });
    const diff = `select count(*)::int from ((table ${target} except all table ${twin})
      union all (table ${twin} except all table ${target})) d`;
    expect(await scalar(admin, diff)).toBe(0);
    expect(await scalar(admin, `select count(*)::int from ${target}_log`)).toBe(
      await scalar(admin, `select count(*)::int from ${twin}_log`),
    );

    // A trigger that refuses one row of the file: the whole publish fails with the server's error.
    await admin.unsafe(`create function ${target}_no() returns trigger language plpgsql as $$
      begin if new.b = 2 then raise exception 'b = 2 refused for %', new.a using errcode = 'P0001'; end if;
      return new; end $$`);
    await admin.unsafe(
      `create trigger n before insert or update on ${target} for each row execute function ${target}_no()`,
    );
    const before = await admin.unsafe(
      `select md5(string_agg(t::text, ',' order by a)) as h from ${target} t`,
    );
    const failed = await load({ ...base, key: ['a'], batchRows: 70, shards: 2 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(LoadFailedError);
    expect((failed as LoadFailedError).rolledBack).toBe(true);
    expect((failed as Error).message).toMatch(/b = 2 refused for \d+/);
    expect((failed as Error).message).toMatch(/nothing was published/);
    const cause = (failed as LoadFailedError).cause;
    expect(cause).toBeInstanceOf(PostgresError);
    // raise_exception, as the trigger raised it: the server's own error, not a loader one.
    expect((cause as PostgresError).code).toBe('P0001');
    const after = await admin.unsafe(`select md5(string_agg(t::text, ',' order by a)) as h from ${target} t`);
    expect(after[0]!.h).toBe(before[0]!.h);
  });

  it('refuses a key that is no unique key, or is not loaded, before any data moves', async () => {
    const [target] = await twins('(a int primary key, b int, name text, score float8)', rows(10, 20, 1));
    const before = await scalar(admin, `select count(*)::int from ${target}`);
    const source = csv(['a', 'b', 'name', 'score'], rows(50, 60, 2));
    const base = { ...via(url), table: target, format: 'csv' as const, source };
    const noIndex = await load({ ...base, conflict: 'update', key: ['b'] }).catch((e: unknown) => e);
    expect(noIndex).toBeInstanceOf(LoadConfigError);
    expect((noIndex as Error).message).toMatch(/no primary key or unique index on \(b\); its keys: \(a\)/);
    const nullable = uniqueName('nullable');
    await admin.unsafe(`create table ${nullable} (a int unique, b int, name text)`);
    const notLoaded = await load({
      ...base,
      table: nullable,
      source: csv(['b', 'name'], [[1, 'x']]),
      conflict: 'skip',
      key: ['a'],
    }).catch((e: unknown) => e);
    expect((notLoaded as Error).message).toMatch(/key column a is not loaded/);
    await expect(load({ ...base, conflict: 'update' })).rejects.toThrow(/needs key/);
    await expect(load({ ...base, key: ['a'] })).rejects.toThrow(/key needs conflict/);
    await expect(load({ ...base, conflict: 'skip', key: ['a'], commit: 'auto' })).rejects.toThrow(
      /needs commit 'staged'/,
    );
    expect(await scalar(admin, `select count(*)::int from ${target}`)).toBe(before);
  });
});
