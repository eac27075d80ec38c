/**
 * Executions bound to a cached statement that is not there at their Bind (26000) get what their own
 * execution would have got (issue 13): the Parse's error only while nothing else ran since it failed (the
 * same failed transaction); after a ROLLBACK they parse afresh; after a cancelled Parse, or when a
 * function DEALLOCATEs the session's statements, they are sent again once, in their place, or told with
 * a StatementNotRunError that they did not run. Real server; decisions from SQLSTATEs, never messages.
 */
import { describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { connectWith } from '../../src/connection/connect.ts';
import type { Connection } from '../../src/connection/connection.ts';
import { AbortError, PostgresError, StatementNotRunError } from '../../src/errors.ts';
import { SqlState } from '../../src/sql-state.ts';
import { SentMessages } from '../support/sent-messages.ts';

const N = 50;
const PARSE = 0x50; // 'P'
const SQL = 'select $1::int as n';

async function open(url: string): Promise<{ db: Connection; sent: SentMessages }> {
  const sent = new SentMessages();
  const db = await connectWith(sent.factory(), { url, sslmode: 'disable' });
  sent.counting = true;
  return { db, sent };
}

function selects(db: Connection, count: number, sql = SQL, from = 0) {
  return Array.from({ length: count }, (_, i) => db.query<{ n: number }>(sql, [from + i]));
}

const values = (count: number, from = 0) => Array.from({ length: count }, (_, i) => from + i);

async function reasons(promises: Promise<unknown>[]): Promise<unknown[]> {
  return (await Promise.allSettled(promises)).map((o) => (o.status === 'rejected' ? o.reason : o.value));
}

/** Waits until `pid` waits for a lock (the locked-out Parse has reached the server). */
async function untilLockWait(observer: Connection, pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await observer.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where pid = $1 and wait_event_type = 'Lock'",
      [pid],
    );
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no backend ever waited for the lock');
}

describe.each(databaseTargets())('executions that did not run on $name', ({ url }) => {
  it('a Parse refused in a failed transaction: those before the ROLLBACK get 25P02, those after run', async () => {
    const { db, sent } = await open(url);
    try {
      await db.exec('begin');
      await expect(db.query('select 1/0')).rejects.toMatchObject({ code: SqlState.DivisionByZero });
      sent.reset();
      const before = selects(db, N);
      const rollback = db.query('rollback');
      const after = selects(db, N);
      const later = db.query<{ n: number }>('select 42 as n');
      const failed = await reasons(before);
      expect(
        failed.every((e) => e instanceof PostgresError && e.code === SqlState.InFailedSqlTransaction),
      ).toBe(true);
      expect((await rollback).command).toBe('ROLLBACK');
      expect((await Promise.all(after)).map((r) => r.rows[0]!.n)).toEqual(values(N));
      expect((await later).rows).toEqual([{ n: 42 }]);
      // The text parses once before the ROLLBACK and once after it, in its place: no reordering.
      expect(sent.count(PARSE)).toBe(4);
      expect(db.transactionStatus).toBe('I');
    } finally {
      await db.close();
    }
  });

  it('ROLLBACK TO SAVEPOINT ends the failure too, and a cached ROLLBACK TO still fences', async () => {
    const { db, sent } = await open(url);
    try {
      for (let round = 0; round < 2; round++) {
        const sql = `select $1::int + ${round + 1} as n`;
        await db.exec('begin; savepoint s');
        await expect(db.query('select 1/0')).rejects.toMatchObject({ code: SqlState.DivisionByZero });
        sent.reset();
        const before = selects(db, N, sql);
        const back = db.query('rollback to savepoint s');
        const after = selects(db, N, sql);
        expect(
          (await reasons(before)).every(
            (e) => e instanceof PostgresError && e.code === SqlState.InFailedSqlTransaction,
          ),
        ).toBe(true);
        await back;
        expect((await Promise.all(after)).map((r) => r.rows[0]!.n)).toEqual(values(N, round + 1));
        await db.exec('rollback');
        // The second round reuses the cached ROLLBACK TO: its fence comes from the cache entry.
        expect(sent.count(PARSE)).toBe(round === 0 ? 3 : 2);
      }
    } finally {
      await db.close();
    }
  });

  describe('a Parse cancelled while it waits for a lock', () => {
    async function lockedOut(
      run: (db: Connection, sent: SentMessages, unlock: () => Promise<void>) => Promise<void>,
    ) {
      const { db, sent } = await open(url);
      const holder = await connectWith(new SentMessages().factory(), { url, sslmode: 'disable' });
      try {
        await holder.exec('create table if not exists haul_not_run_lock (n int)');
        await holder.exec('begin; lock table haul_not_run_lock in access exclusive mode');
        await run(db, sent, async () => {
          await holder.exec('commit');
        });
      } finally {
        if (holder.transactionStatus !== 'I') await holder.exec('rollback');
        await db.close();
        await holder.close();
      }
    }
    const LOCKED = 'select count(*)::int + $1 as n from haul_not_run_lock';

    it('its dependents, last in the pipeline, are sent again once and run', async () => {
      await lockedOut(async (db, sent, unlock) => {
        const abort = new AbortController();
        const creator = db.query(LOCKED, [0], { signal: abort.signal });
        const dependents = selects(db, N, LOCKED, 1);
        const observer = await connectWith(new SentMessages().factory(), { url, sslmode: 'disable' });
        try {
          await untilLockWait(observer, db.processId);
        } finally {
          await observer.close();
        }
        abort.abort();
        await expect(creator).rejects.toBeInstanceOf(AbortError);
        await unlock();
        expect((await Promise.all(dependents)).map((r) => r.rows[0]!.n)).toEqual(values(N, 1));
        // The cancelled Parse and one more for all the dependents, sent again in their order.
        expect(sent.count(PARSE)).toBe(2);
      });
    });

    it('with a statement written after them that ran, they say they were not run and why', async () => {
      await lockedOut(async (db, _sent, unlock) => {
        const abort = new AbortController();
        const creator = db.query(LOCKED, [0], { signal: abort.signal });
        const dependents = selects(db, N, LOCKED, 1);
        const after = db.query<{ n: number }>('select 42 as n');
        const observer = await connectWith(new SentMessages().factory(), { url, sslmode: 'disable' });
        try {
          await untilLockWait(observer, db.processId);
        } finally {
          await observer.close();
        }
        abort.abort();
        await expect(creator).rejects.toBeInstanceOf(AbortError);
        expect((await after).rows).toEqual([{ n: 42 }]);
        for (const error of await reasons(dependents)) {
          expect(error).toBeInstanceOf(StatementNotRunError);
          expect((error as StatementNotRunError).reason).toBe('prepare-failed');
          expect((error as StatementNotRunError).cause.code).toBe(SqlState.QueryCanceled);
        }
        await unlock();
        expect((await db.query<{ n: number }>(LOCKED, [7])).rows).toEqual([{ n: 7 }]);
      });
    });
  });

  describe('a function that drops the session’s prepared statements', () => {
    async function withFunctions(run: (db: Connection, sent: SentMessages) => Promise<void>) {
      const { db, sent } = await open(url);
      try {
        await db.exec(`
          create or replace function haul_test_deallocate() returns void language plpgsql
            as $$ begin execute 'deallocate all'; end $$;
          create or replace function haul_test_discard(what text) returns void language plpgsql
            as $$ begin execute 'discard ' || what; end $$;`);
        await run(db, sent);
      } finally {
        await db.close();
      }
    }

    it('DISCARD ALL cannot run in one, DISCARD PLANS drops no statement', async () => {
      await withFunctions(async (db, sent) => {
        expect((await db.query<{ n: number }>(SQL, [1])).rows).toEqual([{ n: 1 }]);
        await expect(db.query("select haul_test_discard('all')")).rejects.toMatchObject({
          code: SqlState.ActiveSqlTransaction,
        });
        await db.query("select haul_test_discard('plans')");
        sent.reset();
        expect((await db.query<{ n: number }>(SQL, [2])).rows).toEqual([{ n: 2 }]);
        expect(sent.count(PARSE)).toBe(0);
      });
    });

    it('DEALLOCATE ALL in one: the next execution of a cached statement parses again and runs', async () => {
      await withFunctions(async (db, sent) => {
        expect((await db.query<{ n: number }>(SQL, [1])).rows).toEqual([{ n: 1 }]);
        await db.query('select haul_test_deallocate()');
        sent.reset();
        expect((await db.query<{ n: number }>(SQL, [2])).rows).toEqual([{ n: 2 }]);
        expect(sent.count(PARSE)).toBe(1);
        // Pipelined behind the call: every execution bound to the lost statement runs, one Parse for all.
        // (A new text for the call: the one above dropped its own statement too, and would not run.)
        sent.reset();
        const call = db.query('select haul_test_deallocate() as again');
        const queued = selects(db, N);
        await call;
        expect((await Promise.all(queued)).map((r) => r.rows[0]!.n)).toEqual(values(N));
        expect(sent.count(PARSE)).toBe(2);
      });
    });

    it('DEALLOCATE ALL in one, a statement that ran written after: StatementNotRunError', async () => {
      await withFunctions(async (db) => {
        await db.query(SQL, [1]);
        const call = db.query('select haul_test_deallocate()');
        const queued = selects(db, 3);
        const after = db.query<{ n: number }>('select 42 as n');
        await call;
        expect((await after).rows).toEqual([{ n: 42 }]);
        for (const error of await reasons(queued)) {
          expect(error).toBeInstanceOf(StatementNotRunError);
          expect((error as StatementNotRunError).reason).toBe('statement-dropped');
          expect((error as StatementNotRunError).cause.code).toBe(SqlState.InvalidSqlStatementName);
        }
        expect((await db.query<{ n: number }>(SQL, [5])).rows).toEqual([{ n: 5 }]);
      });
    });
  });
});
