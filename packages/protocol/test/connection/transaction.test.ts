/**
 * db.transaction(): commits what the callback did, rolls back when it throws (rethrowing its error),
 * refuses to commit a transaction an error inside left failed, refuses nesting, and keeps the
 * connection to itself: work queued on the connection meanwhile runs after it, outside it, with its own
 * timeouts still counting. The server says what was stored and in which transaction a statement ran.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { connect } from '../../src/adapters/node.ts';
import type { Connection } from '../../src/connection/connection.ts';
import { PostgresError, TimeoutError, TransactionError } from '../../src/errors.ts';
import { SqlState } from '../../src/sql-state.ts';

describe.each(databaseTargets())('transaction() on $name', ({ url }) => {
  let db: Connection;
  beforeEach(async () => {
    db = await connect({ url, sslmode: 'disable' });
    await db.exec('create temp table t (id int primary key)');
  });
  afterEach(() => db.close());

  const ids = async () =>
    (await db.query<{ id: number }>('select id from t order by id')).rows.map((r) => r.id);

  it('commits and returns what the callback returns', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query('insert into t values ($1), ($2)', [1, 2]);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await ids()).toEqual([1, 2]);
    expect(db.transactionStatus).toBe('I');
  });

  it('rolls back when the callback throws, and rethrows its error', async () => {
    const boom = new Error('boom');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('insert into t values (1)');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await ids()).toEqual([]);
    expect(db.transactionStatus).toBe('I');
  });

  it('rejects with rolled-back when an error inside was caught: COMMIT did not keep the work', async () => {
    const outcome = db.transaction(async (tx) => {
      await tx.query('insert into t values (1)');
      await tx.query('insert into t values (1)').catch(() => {}); // duplicate key, swallowed
    });
    await expect(outcome).rejects.toBeInstanceOf(TransactionError);
    await expect(outcome).rejects.toMatchObject({ reason: 'rolled-back' });
    expect(await ids()).toEqual([]);
  });

  it('refuses to nest, and the outer transaction still commits', async () => {
    await db.transaction(async (tx) => {
      await tx.query('insert into t values (1)');
      await expect(db.transaction(async () => {})).rejects.toMatchObject({ reason: 'nested' });
    });
    expect(await ids()).toEqual([1]);
    await db.exec('begin');
    await expect(db.transaction(async () => {})).rejects.toMatchObject({ reason: 'nested' });
    await db.exec('rollback');
  });

  it('runs work queued on the connection meanwhile after it, outside it', async () => {
    let outside: Promise<string> | undefined;
    await db.transaction(async (tx) => {
      await tx.exec("set local application_name = 'inside'");
      await tx.query('insert into t values (1)');
      outside = db
        .query<{ name: string }>("select current_setting('application_name') as name")
        .then((r) => r.rows[0]!.name);
      // Still in the transaction: the outside query must not have run yet.
      await tx.query('insert into t values (2)');
      expect(db.transactionStatus).toBe('T');
    });
    expect(await outside).not.toBe('inside');
    expect(await ids()).toEqual([1, 2]);
  });

  it('times out a query held back by a transaction without disturbing the transaction', async () => {
    let held: Promise<unknown> | undefined;
    await db.transaction(async (tx) => {
      held = db.query('select 1', [], { timeout: 50 });
      held.catch(() => {});
      await tx.query('select pg_sleep(0.2)');
      await tx.query('insert into t values (1)');
    });
    await expect(held).rejects.toBeInstanceOf(TimeoutError);
    expect(await ids()).toEqual([1]);
  });

  it('honours isolation and read only, and refuses the handle after the end', async () => {
    let kept: Parameters<Parameters<Connection['transaction']>[0]>[0] | undefined;
    await expect(
      db.transaction(
        async (tx) => {
          kept = tx;
          const [level] = await tx.exec('show transaction_isolation');
          expect(level!.rows).toEqual([{ transaction_isolation: 'serializable' }]);
          // A temp table takes writes even in a read-only transaction; a real table does not.
          await tx.query(`create table haul_read_only_${process.pid} (id int)`);
        },
        { isolation: 'serializable', readOnly: true },
      ),
    ).rejects.toSatisfy(
      (error) => error instanceof PostgresError && error.code === SqlState.ReadOnlySqlTransaction,
    );
    expect(() => kept!.query('select 1')).toThrow(TransactionError);
    expect(await ids()).toEqual([]);
  });
});
