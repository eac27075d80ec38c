/**
 * Executions of one SQL text queued before its Parse is answered share that named statement: one Parse
 * and one Describe whatever the number queued (counted in the bytes sent, at N and 4N), rows decoded
 * with the description the first execution's Describe brought back. Guards the B1 waste (issue 13):
 * every execution queued before the statement was parsed sent its own unnamed Parse and Describe.
 */
import { describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { connectWith } from '../../src/connection/connect.ts';
import type { Connection } from '../../src/connection/connection.ts';
import { BatchError, PostgresError } from '../../src/errors.ts';
import { SqlState } from '../../src/sql-state.ts';
import { SentMessages } from '../support/sent-messages.ts';

const N = 200;
const PARSE = 0x50; // 'P'
const DESCRIBE = 0x44; // 'D'
const BIND = 0x42; // 'B'

async function open(url: string): Promise<{ db: Connection; sent: SentMessages }> {
  const sent = new SentMessages();
  const db = await connectWith(sent.factory(), { url, sslmode: 'disable' });
  sent.counting = true;
  return { db, sent };
}

function selects(db: Connection, count: number, sql = 'select $1::int as n') {
  return Array.from({ length: count }, (_, i) => db.query<{ n: number }>(sql, [i]));
}

describe.each(databaseTargets())('statement sharing on $name', ({ url }) => {
  it.each([N, 4 * N])(
    '%i identical queries queued at once send one Parse and one Describe',
    async (count) => {
      const { db, sent } = await open(url);
      try {
        const results = await Promise.all(selects(db, count));
        expect(results.map((r) => r.rows[0]!.n)).toEqual(Array.from({ length: count }, (_, i) => i));
        expect(results[count - 1]!.fields.map((f) => f.name)).toEqual(['n']);
        expect(sent.count(PARSE)).toBe(1);
        expect(sent.count(DESCRIBE)).toBe(1);
        expect(sent.count(BIND)).toBe(count);
      } finally {
        await db.close();
      }
    },
  );

  it('shares the statement under the auto and atomic Sync policies too', async () => {
    const { db, sent } = await open(url);
    try {
      const auto = Array.from({ length: N }, (_, i) =>
        db.query<{ n: number }>('select $1::int as n', [i], { sync: 'auto' }),
      );
      const atomic = await db.batch(
        Array.from({ length: N }, (_, i) => ({ sql: 'select $1::int + 1 as n', params: [i] })),
        { sync: 'atomic' },
      );
      expect((await Promise.all(auto)).map((r) => r.rows[0]!.n)).toEqual(
        Array.from({ length: N }, (_, i) => i),
      );
      expect(atomic.map((o) => (o.status === 'fulfilled' ? o.value.rows[0]!.n : o.reason))).toEqual(
        Array.from({ length: N }, (_, i) => i + 1),
      );
      expect(sent.count(PARSE)).toBe(2);
      expect(sent.count(DESCRIBE)).toBe(2);
    } finally {
      await db.close();
    }
  });

  it('a failing Parse fails every execution bound to it with the same server error', async () => {
    const { db, sent } = await open(url);
    try {
      const outcomes = await Promise.allSettled(selects(db, N, 'select $1::no_such_type as n'));
      const errors = outcomes.map((o) => (o.status === 'rejected' ? o.reason : o.value));
      expect(errors.every((e) => e instanceof PostgresError && e.code === SqlState.UndefinedObject)).toBe(
        true,
      );
      expect(new Set(errors).size).toBe(1);
      expect(sent.count(PARSE)).toBe(1);
      // The failed statement is not reused: the next execution parses again, and fails the same way.
      await expect(db.query('select $1::no_such_type as n', [1])).rejects.toMatchObject({
        code: SqlState.UndefinedObject,
      });
      expect(sent.count(PARSE)).toBe(2);
      expect((await db.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('executions in the failing Parse’s own Sync segment are skipped because of it', async () => {
    const { db } = await open(url);
    try {
      const outcomes = await db.batch(
        Array.from({ length: 5 }, (_, i) => ({ sql: 'select $1::no_such_type', params: [i] })),
        { sync: 'atomic' },
      );
      const [first, ...rest] = outcomes.map((o) => (o.status === 'rejected' ? o.reason : o.value));
      expect(first).toBeInstanceOf(PostgresError);
      for (const error of rest) {
        expect(error).toBeInstanceOf(BatchError);
        expect((error as BatchError).outcome).toBe('skipped');
        expect((error as BatchError).cause).toBe(first);
      }
    } finally {
      await db.close();
    }
  });

  it('a failing Bind of the first execution does not keep its row description from the others', async () => {
    const { db, sent } = await open(url);
    try {
      const first = db.query('select $1::int as n', ['not a number']);
      const rest = selects(db, N);
      await expect(first).rejects.toMatchObject({ code: SqlState.InvalidTextRepresentation });
      expect((await Promise.all(rest)).map((r) => r.rows[0]!.n)).toEqual(
        Array.from({ length: N }, (_, i) => i),
      );
      expect(sent.count(PARSE)).toBe(1);
    } finally {
      await db.close();
    }
  });

  it.each(['discard all', 'deallocate all'])(
    '%s between queued executions: the later ones parse again',
    async (drop) => {
      const { db, sent } = await open(url);
      try {
        // The statement is pending, then parsed, when the server drops it.
        for (const settleFirst of [false, true]) {
          sent.reset();
          const before = selects(db, N);
          if (settleFirst) await Promise.all(before);
          const dropped = db.exec(drop);
          const after = selects(db, N);
          const extended = db.query(drop);
          const last = selects(db, N);
          for (const batch of [before, after, last]) {
            expect((await Promise.all(batch)).map((r) => r.rows[0]!.n)).toEqual(
              Array.from({ length: N }, (_, i) => i),
            );
          }
          await dropped;
          await extended;
          // One Parse per stretch between drops; the extended DISCARD/DEALLOCATE parses itself.
          expect(sent.count(PARSE)).toBe((settleFirst ? 2 : 3) + 1);
        }
      } finally {
        await db.close();
      }
    },
  );

  it('mixed parameter types: one statement per type list, each row decoded with its own', async () => {
    const { db, sent } = await open(url);
    try {
      const values: (string | Uint8Array)[] = Array.from({ length: N }, (_, i) =>
        i % 3 === 0 ? new Uint8Array([i & 0xff, 1]) : `text ${i}`,
      );
      const results = await Promise.all(values.map((v) => db.query<{ v: unknown }>('select $1 as v', [v])));
      results.forEach((r, i) => {
        const expected = values[i]!;
        if (typeof expected === 'string') expect(r.rows[0]!.v).toBe(expected);
        else expect(Array.from(r.rows[0]!.v as Uint8Array)).toEqual(Array.from(expected));
      });
      expect(sent.count(PARSE)).toBe(2);
      expect(sent.count(DESCRIBE)).toBe(2);
    } finally {
      await db.close();
    }
  });
});
