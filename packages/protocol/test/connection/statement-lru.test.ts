/**
 * The statement cache is an LRU: at capacity the least recently used statement is evicted and Closed
 * on the server, so the session never holds more than `statementCacheSize` of ours, and a text used
 * again after eviction parses afresh. A Close the server skips (an earlier error in its Sync segment)
 * is sent again with the next execution. The server's pg_prepared_statements is the oracle.
 */
import { describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { connectWith } from '../../src/connection/connect.ts';
import type { Connection } from '../../src/connection/connection.ts';
import { SentMessages } from '../support/sent-messages.ts';

const PARSE = 0x50; // 'P'
const CLOSE = 0x43; // 'C'

async function open(
  url: string,
  statementCacheSize: number,
): Promise<{ db: Connection; sent: SentMessages }> {
  const sent = new SentMessages();
  const db = await connectWith(sent.factory(), { url, sslmode: 'disable', statementCacheSize });
  sent.counting = true;
  return { db, sent };
}

/** Our statements the server holds for this session, by SQL text. */
async function prepared(db: Connection): Promise<string[]> {
  // Simple protocol: this query itself prepares nothing.
  const [result] = await db.exec(
    "select statement from pg_prepared_statements where name like 'haul\\_%' order by 1",
  );
  return (result?.rows ?? []).map((row) => String((row as { statement: string }).statement));
}

const text = (i: number) => `select ${i} + $1::int as n`;

describe.each(databaseTargets())('statement LRU on $name', ({ url }) => {
  it('holds at most the capacity on the server, evicting the least recently used', async () => {
    const { db, sent } = await open(url, 2);
    try {
      await db.query(text(1), [0]);
      await db.query(text(2), [0]);
      await db.query(text(1), [0]); // 1 is now more recent than 2
      await db.query(text(3), [0]); // evicts 2
      expect(await prepared(db)).toEqual([text(1), text(3)]);
      sent.reset();
      expect((await db.query<{ n: number }>(text(1), [5])).rows).toEqual([{ n: 6 }]);
      expect(sent.count(PARSE)).toBe(0);
      expect((await db.query<{ n: number }>(text(2), [5])).rows).toEqual([{ n: 7 }]);
      expect(sent.count(PARSE)).toBe(1);
      expect(sent.count(CLOSE)).toBe(1);
      expect(await prepared(db)).toEqual([text(1), text(2)]);
    } finally {
      await db.close();
    }
  });

  it.each([50, 200])('%i distinct texts leave exactly the capacity behind', async (count) => {
    const { db, sent } = await open(url, 8);
    try {
      const results = await Promise.all(Array.from({ length: count }, (_, i) => db.query(text(i), [1])));
      expect(results.map((r) => (r.rows[0] as { n: number }).n)).toEqual(
        Array.from({ length: count }, (_, i) => i + 1),
      );
      expect((await prepared(db)).length).toBe(8);
      expect(sent.count(PARSE)).toBe(count);
      expect(sent.count(CLOSE)).toBe(count - 8);
    } finally {
      await db.close();
    }
  });

  it('closes what it cached once a DEALLOCATE of one name empties the cache', async () => {
    const { db } = await open(url, 8);
    try {
      await db.query(text(1), [0]);
      await db.query(text(2), [0]);
      const [named] = await db.exec(`select name from pg_prepared_statements where statement = '${text(1)}'`);
      const name = String((named!.rows[0] as { name: string }).name);
      await db.exec(`deallocate ${name}`);
      // text(2) is still on the server, but no longer cached: the next execution closes it.
      await db.query(text(3), [0]);
      expect(await prepared(db)).toEqual([text(3)]);
    } finally {
      await db.close();
    }
  });

  it('sends a Close the server skipped again with the next execution', async () => {
    const { db } = await open(url, 1);
    try {
      await db.query(text(1), [0]);
      // Atomic: the division fails at Execute (after its own Close of text 1 ran); the next
      // statement's Close (of the failing one) and Parse are skipped by the server.
      const outcomes = await db.batch(
        [
          { sql: 'select 1 / $1::int as n', params: [0] },
          { sql: text(2), params: [0] },
        ],
        { sync: 'atomic' },
      );
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect(await prepared(db)).toEqual(['select 1 / $1::int as n']);
      await db.query(text(3), [0]);
      expect(await prepared(db)).toEqual([text(3)]);
    } finally {
      await db.close();
    }
  });
});
