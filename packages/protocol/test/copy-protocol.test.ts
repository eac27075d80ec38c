/**
 * The COPY sub-protocol against a real server: it never hangs, every failure sends the right message and
 * leaves the connection usable, and a slow side holds the other back instead of filling memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../tools/test-targets.ts';
import { connect } from '../src/adapters/node.ts';
import type { Connection } from '../src/connection/connection.ts';
import { AbortError, PostgresError, TimeoutError } from '../src/errors.ts';

const enc = new TextEncoder();
const lines = (from: number, to: number) =>
  (function* () {
    for (let i = from; i < to; i++) yield enc.encode(`${i}\tname ${i}\n`);
  })();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A producer that never ends on its own, like a writer someone forgot to finish. */
async function* forever(): AsyncGenerator<Uint8Array> {
  for (let i = 0; ; i++) {
    yield enc.encode(`${i}\tforever\n`);
    await sleep(20);
  }
}

describe.each(databaseTargets())('COPY sub-protocol on $name', ({ url }) => {
  let db: Connection;
  const table = `copy_proto_${process.pid}`;
  const count = async () =>
    (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;
  const alive = async () =>
    expect((await db.query<{ ok: number }>('select 1 as ok')).rows).toEqual([{ ok: 1 }]);

  beforeAll(async () => {
    db = await connect(url);
    await db.exec(`drop table if exists ${table}; create table ${table} (id int, name text)`);
  });
  afterAll(async () => {
    await db.exec(`drop table if exists ${table}`);
    await db.close();
  });

  it('copies text in and out, with the row count', async () => {
    await db.exec(`truncate ${table}`);
    const result = await db.copyIn(`copy ${table} from stdin`, lines(0, 50_000));
    expect(result).toMatchObject({ command: 'COPY', rowCount: 50_000 });
    const out = db.copyOut(`copy (select * from ${table} order by id) to stdout`);
    const chunks: Uint8Array[] = [];
    for await (const chunk of out) chunks.push(chunk);
    const text = new TextDecoder().decode(concat(chunks));
    expect(text.split('\n').length - 1).toBe(50_000);
    expect(text.startsWith('0\tname 0\n1\tname 1\n')).toBe(true);
    expect((await out.result).rowCount).toBe(50_000);
  });

  it('passes CSV through, from a Web ReadableStream', async () => {
    await db.exec(`truncate ${table}`);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(enc.encode('1,"a, quoted ""name"""\n2,'));
        controller.enqueue(enc.encode('plain\n'));
        controller.close();
      },
    });
    await db.copyIn(`copy ${table} from stdin (format csv)`, stream);
    const { rows } = await db.query(`select id, name from ${table} order by id`);
    expect(rows).toEqual([
      { id: 1, name: 'a, quoted "name"' },
      { id: 2, name: 'plain' },
    ]);
  });

  it('a server error mid-COPY rejects with the line, and the connection goes on', async () => {
    await db.exec(`truncate ${table}`);
    const source = (function* () {
      yield* lines(0, 1000);
      yield enc.encode('oops\tbad id\n');
      yield* lines(1001, 2000);
    })();
    const error = (await db
      .copyIn(`copy ${table} from stdin`, source)
      .catch((e: unknown) => e)) as PostgresError;
    expect(error).toBeInstanceOf(PostgresError);
    expect(error.code).toBe('22P02');
    expect(error.where).toMatch(/line 1001/);
    expect(await count()).toBe(0);
    await alive();
  });

  it('a producer error sends CopyFail and rejects with that error', async () => {
    const source = (function* () {
      yield* lines(0, 10);
      throw new Error('disk read failed');
    })();
    const error = (await db.copyIn(`copy ${table} from stdin`, source).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('disk read failed');
    expect((error.cause as PostgresError).code).toBe('57014');
    expect((error.cause as PostgresError).message).toMatch(/COPY from stdin failed: disk read failed/);
    await alive();
  });

  it('abort sends CopyFail; inside a transaction it is left failed and ROLLBACK works', async () => {
    await db.exec(`truncate ${table}`);
    await db.query('begin');
    await db.query(`insert into ${table} values (-1, 'before')`);
    const controller = new AbortController();
    const copying = db.copyIn(`copy ${table} from stdin`, forever(), { signal: controller.signal });
    await sleep(150);
    controller.abort(new Error('user cancelled the upload'));
    const error = (await copying.catch((e: unknown) => e)) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(db.transactionStatus).toBe('E');
    await expect(db.query('select 1')).rejects.toMatchObject({ code: '25P02' });
    await db.query('rollback');
    expect(db.transactionStatus).toBe('I');
    expect(await count()).toBe(0);
    await alive();
  });

  it('zero RTT: a COPY into a missing table fails cleanly though its data was already sent', async () => {
    const error = (await db
      .copyIn('copy no_such_table_xyz from stdin', lines(0, 20_000))
      .catch((e: unknown) => e)) as PostgresError;
    expect(error.code).toBe('42P01');
    await alive();
  });

  it('two COPY writers on one connection: the second waits its turn with a timeout, never hangs', async () => {
    // This is the rust-postgres BinaryCopyInWriter hang: the second writer blocks forever on a busy connection.
    await db.exec(`truncate ${table}`);
    const first = db.copyIn(`copy ${table} from stdin`, forever(), { timeout: 800 });
    const second = db.copyIn(`copy ${table} from stdin`, lines(0, 10), { timeout: 200 });
    const started = Date.now();
    await expect(second).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(first).rejects.toBeInstanceOf(TimeoutError);
    expect(await count()).toBe(0);
    await alive();
  });

  it('a query issued during a COPY waits for it and then runs; busyTimeout bounds the wait', async () => {
    const busy = await connect({ url, busyTimeout: 300 });
    const finite = (async function* () {
      for (let i = 0; i < 5; i++) {
        yield enc.encode(`${i}\tslow\n`);
        await sleep(20);
      }
    })();
    const copying = busy.copyIn(`copy ${table} from stdin`, finite);
    const during = busy.query<{ n: number }>('select 7 as n');
    await expect(copying).resolves.toMatchObject({ rowCount: 5 });
    await expect(during).resolves.toMatchObject({ rows: [{ n: 7 }] });

    const stuck = busy.copyIn(`copy ${table} from stdin`, forever(), { timeout: 1500 });
    const waiting = busy.query('select 1');
    const error = (await waiting.catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.phase).toBe('queue');
    expect(error.message).toMatch(/busy with a COPY/);
    await expect(stuck).rejects.toBeInstanceOf(TimeoutError);
    await busy.close();
  });

  it('a consumer that stops early cancels COPY TO on the server; the connection goes on', async () => {
    const out = db.copyOut("copy (select g, repeat('x', 200) from generate_series(1, 5000000) g) to stdout");
    let seen = 0;
    for await (const chunk of out) {
      seen += chunk.length;
      if (seen > 1 << 20) break;
    }
    await expect(out.result).rejects.toBeInstanceOf(Error);
    await alive();
  });

  it('a slow consumer holds the server back instead of buffering the whole result', async () => {
    const out = db.copyOut("copy (select g, repeat('y', 1000) from generate_series(1, 200000) g) to stdout");
    const iterator = out[Symbol.asyncIterator]();
    await iterator.next();
    const before = process.memoryUsage();
    await sleep(300); // the server could send ~200 MB meanwhile; the socket is paused instead
    const after = process.memoryUsage();
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(grown).toBeLessThan(40_000_000);
    let total = 0;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) total += r.value.length;
    expect(total).toBeGreaterThan(190_000_000);
    await alive();
  }, 60_000);

  it('a tiny COPY TO whose data, CopyDone and ReadyForQuery arrive in one chunk', async () => {
    for (let i = 0; i < 20; i++) {
      const out = db.copyOut(`copy (select ${i}) to stdout`);
      const chunks: Uint8Array[] = [];
      for await (const chunk of out) chunks.push(chunk);
      expect(new TextDecoder().decode(concat(chunks))).toBe(`${i}\n`);
    }
    await alive();
  });

  it('COPY TO of a failing query rejects with the server error', async () => {
    const out = db.copyOut('copy (select 1/0) to stdout');
    const consume = async () => {
      for await (const _ of out) {
        // drain
      }
    };
    await expect(consume()).rejects.toMatchObject({ code: '22012' });
    await alive();
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
