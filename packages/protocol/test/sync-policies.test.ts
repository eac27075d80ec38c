/**
 * The three Sync policies against a real server: a failure at the start, middle and end of a batch,
 * and what every other statement is told.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../tools/test-targets.ts';
import { connect } from '../src/adapters/node.ts';
import type { BatchOutcome, QueryResult, Statement } from '../src/connection/api.ts';
import type { Connection } from '../src/connection/connection.ts';
import { BatchError, PostgresError } from '../src/errors.ts';

describe.each(databaseTargets())('Sync policies on $name', ({ url }) => {
  let db: Connection;
  const table = `sync_policy_${process.pid}`;

  beforeAll(async () => {
    db = await connect(url);
    await db.exec(`drop table if exists ${table}; create table ${table} (id int primary key)`);
  });
  afterAll(async () => {
    await db.exec(`drop table if exists ${table}`);
    await db.close();
  });

  const rows = async () =>
    (await db.query<{ id: number }>(`select id from ${table} order by id`)).rows.map((r) => r.id);
  const insert = (id: number): Statement => ({ sql: `insert into ${table} values ($1)`, params: [id] });
  const bad: Statement = { sql: 'select 1/0' };

  for (const [where, at] of [
    ['start', 0],
    ['middle', 2],
    ['end', 4],
  ] as const) {
    it(`independent: a failure at the ${where} touches only its own statement`, async () => {
      await db.exec(`truncate ${table}`);
      const statements = [1, 2, 3, 4, 5].map(insert);
      statements[at] = bad;
      const out = await db.batch(statements, { sync: 'independent' });
      expect(out.map((o) => o.status)).toEqual(
        statements.map((_, i) => (i === at ? 'rejected' : 'fulfilled')),
      );
      const failed = out[at]!;
      expect(failed.status === 'rejected' && failed.reason).toBeInstanceOf(PostgresError);
      expect((reasonOf(failed) as PostgresError).code).toBe('22012');
      expect(await rows()).toEqual([1, 2, 3, 4, 5].filter((_, i) => i !== at));
    });

    it(`atomic: a failure at the ${where} rolls back the earlier and skips the later`, async () => {
      await db.exec(`truncate ${table}`);
      const statements = [1, 2, 3, 4, 5].map(insert);
      statements[at] = bad;
      const out = await db.batch(statements, { sync: 'atomic' });
      out.forEach((o, i) => {
        expect(o.status).toBe('rejected');
        const reason = reasonOf(o);
        if (i === at) {
          expect(reason).toBeInstanceOf(PostgresError);
        } else {
          expect(reason).toBeInstanceOf(BatchError);
          expect((reason as BatchError).outcome).toBe(i < at ? 'rolled-back' : 'skipped');
          expect((reason as BatchError).failedIndex).toBe(at);
          expect((reason as BatchError).cause.code).toBe('22012');
        }
      });
      expect(await rows()).toEqual([]);
      expect(db.transactionStatus).toBe('I');
    });
  }

  it('atomic: all succeed, all commit, results in order', async () => {
    await db.exec(`truncate ${table}`);
    const out = await db.batch([insert(1), insert(2), { sql: `select count(*)::int as n from ${table}` }], {
      sync: 'atomic',
    });
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(fulfilledValue(out[2]!).rows[0]).toEqual({ n: 2 });
    expect(await rows()).toEqual([1, 2]);
  });

  it('atomic inside an explicit transaction leaves it failed, and says so', async () => {
    await db.exec(`truncate ${table}`);
    await db.query('begin');
    const out = await db.batch([insert(1), bad, insert(3)], { sync: 'atomic' });
    expect((reasonOf(out[0]!) as BatchError).outcome).toBe('aborted-transaction');
    expect(db.transactionStatus).toBe('E');
    await db.query('rollback');
    expect(db.transactionStatus).toBe('I');
    expect(await rows()).toEqual([]);
  });

  it('auto: no promise resolves before its segment commits; a failed segment tells every statement', async () => {
    await db.exec(`truncate ${table}`);
    // Duplicate key in the middle of a run of writes issued in one tick: they share a segment.
    const ids = [1, 2, 3, 2, 5];
    const settled = await Promise.allSettled(
      ids.map((id) => db.query(insert(id).sql, [id], { sync: 'auto' })),
    );
    expect(settled.map((s) => s.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect((settled[3] as PromiseRejectedResult).reason).toBeInstanceOf(PostgresError);
    expect((settled[3] as PromiseRejectedResult).reason.code).toBe('23505');
    expect((settled[0] as PromiseRejectedResult).reason.outcome).toBe('rolled-back');
    expect((settled[4] as PromiseRejectedResult).reason.outcome).toBe('skipped');
    expect(await rows()).toEqual([]);
    // Nothing resolved that did not commit: every fulfilled insert is in the table.
    const ok = await Promise.allSettled(
      [7, 8, 9].map((id) => db.query(insert(id).sql, [id], { sync: 'auto' })),
    );
    expect(ok.every((s) => s.status === 'fulfilled')).toBe(true);
    expect(await rows()).toEqual([7, 8, 9]);
  });

  it('auto: a read after a write starts a new segment, so the read is not dragged down', async () => {
    await db.exec(`truncate ${table}`);
    const [w1, r1, w2] = await Promise.allSettled([
      db.query(insert(1).sql, [1], { sync: 'auto' }),
      db.query(`select created_at from (select now() as created_at) s`, [], { sync: 'auto' }),
      db.query('select 1/0', [], { sync: 'auto', readOnly: true }),
    ]);
    expect(w1.status).toBe('fulfilled');
    expect(r1.status).toBe('rejected'); // same read segment as the failing read
    expect((r1 as PromiseRejectedResult).reason.outcome).toBe('rolled-back');
    expect(w2.status).toBe('rejected');
    expect(await rows()).toEqual([1]);
  });

  it('keeps 10,000 queries in flight and answers each correctly', async () => {
    const n = 10_000;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => db.query<{ n: number }>('select $1::int as n', [i])),
    );
    expect(results.every((r, i) => r.rows[0]!.n === i)).toBe(true);
  });

  it('a failing statement among pipelined independent queries affects nothing else', async () => {
    const settled = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        db.query(i === 50 ? 'select 1/0' : 'select $1::int as n', i === 50 ? [] : [i]),
      ),
    );
    expect(settled.filter((s) => s.status === 'rejected').length).toBe(1);
    expect(settled[50]!.status).toBe('rejected');
  });

  it('simple protocol: several statements, one result each', async () => {
    const results = await db.exec('select 1 as a; select 2 as b, 3 as c; ');
    expect(results.map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2, c: 3 }]]);
    expect(results.map((r) => r.command)).toEqual(['SELECT', 'SELECT']);
  });
});

function reasonOf(o: BatchOutcome): Error {
  if (o.status !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(o.value.rows)}`);
  return o.reason;
}

function fulfilledValue(o: BatchOutcome): QueryResult {
  if (o.status !== 'fulfilled') throw o.reason;
  return o.value;
}
