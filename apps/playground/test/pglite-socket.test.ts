/**
 * The protocol's own Connection over PGlite (pglite-socket.ts, opened as session.ts opens it), in Node with real PGlite: queries and
 * COPY FROM STDIN through its one session, a COPY given up half way, one session at a time, and a
 * closed session leaving nothing behind for the next one.
 */
import { PGlite } from '@electric-sql/pglite';
import { type Connection, ConnectionError } from '@haul/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGliteSessions } from '../src/engine/offline/session.ts';

const encoder = new TextEncoder();

let db: PGlite;
let open: () => Promise<Connection>;

beforeAll(async () => {
  db = await PGlite.create();
  const sessions = new PGliteSessions(db);
  open = () => sessions.connect();
});

afterAll(async () => {
  await db?.close();
});

async function* lines(count: number, signal?: AbortController, abortAt = -1): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) {
    if (i === abortAt) signal?.abort(new Error('given up'));
    yield encoder.encode(`${i}\trow ${i}\n`);
  }
}

describe('a protocol Connection onto PGlite', () => {
  it('runs queries with parameters and a COPY FROM STDIN of several MiB', async () => {
    const conn = await open();
    try {
      expect((await conn.query('select $1::int + 1 as n', [41])).rows).toEqual([{ n: 42 }]);
      await conn.exec('create table copied (id int primary key, label text)');
      const result = await conn.copyIn('copy copied from stdin', lines(200_000));
      expect(result.rowCount).toBe(200_000);
      expect((await conn.query('select count(*)::int4 as n from copied')).rows).toEqual([{ n: 200_000 }]);
    } finally {
      await conn.close();
    }
  });

  it('a COPY given up half way sends CopyFail: nothing is stored and PGlite goes on', async () => {
    const conn = await open();
    try {
      await conn.exec('create table given_up (id int, label text)');
      const controller = new AbortController();
      const copying = conn.copyIn('copy given_up from stdin', lines(50_000, controller, 25_000), {
        signal: controller.signal,
      });
      await expect(copying).rejects.toThrow(/given up|abort/i);
      expect((await conn.query('select count(*)::int4 as n from given_up')).rows).toEqual([{ n: 0 }]);
    } finally {
      await conn.close();
    }
    expect((await db.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('holds the one session: a second connection is refused while the first is open', async () => {
    const first = await open();
    try {
      await expect(open()).rejects.toBeInstanceOf(ConnectionError);
    } finally {
      await first.close();
    }
    const next = await open();
    await next.close();
  });

  it('a closed session leaves no transaction, prepared statement, setting or lock behind', async () => {
    const first = await open();
    await first.query('select $1::text as t', ['prepared']);
    await first.exec("begin; set application_name = 'left over'; select pg_advisory_lock(42)");
    await first.close();
    expect(db.isInTransaction()).toBe(false);
    const state = await db.query<{ prepared: number; app: string; locks: number }>(
      `select (select count(*)::int4 from pg_prepared_statements) as prepared,
              current_setting('application_name') as app,
              (select count(*)::int4 from pg_locks where locktype = 'advisory') as locks`,
    );
    expect(state.rows).toEqual([{ prepared: 0, app: '', locks: 0 }]);
    // The next Connection names its statements as the first did, and they do not collide.
    const second = await open();
    try {
      expect((await second.query('select $1::text as t', ['again'])).rows).toEqual([{ t: 'again' }]);
    } finally {
      await second.close();
    }
  });
});
