/**
 * Nothing hangs: cancel, timeout, a killed backend, a dropped socket and a server that stops answering
 * all settle every promise with a typed error, and the connection (or a new one) keeps working.
 */
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../tools/test-targets.ts';
import { connect } from '../src/adapters/node.ts';
import type { Connection } from '../src/connection/connection.ts';
import {
  AbortError,
  ConfigError,
  ConnectionError,
  EncodeError,
  PostgresError,
  ProtocolError,
  TimeoutError,
} from '../src/errors.ts';

describe.each(databaseTargets())('failures on $name', ({ url }) => {
  let db: Connection;
  let admin: Connection;
  beforeAll(async () => {
    db = await connect(url);
    admin = await connect(url);
  });
  afterAll(async () => {
    await db.close();
    await admin.close();
    // Every socket this file opened (cancel sockets included) is gone: nothing keeps the process alive.
    await new Promise((r) => setTimeout(r, 100));
    expect(process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap')).toEqual([]);
  });

  it('an AbortSignal cancels a running query on the server; the connection stays usable', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = db.query('select pg_sleep(30)', [], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user pressed Ctrl+C')), 200);
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(((error as Error).cause as Error).message).toBe('user pressed Ctrl+C');
    // The server really stopped: pg_sleep(30) ended long before its time.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await db.query<{ n: number }>('select 1 as n')).rows).toEqual([{ n: 1 }]);
  });

  it('a timeout cancels a query queued behind another; both settle', async () => {
    const first = db.query('select pg_sleep(0.3)');
    const second = db.query('select pg_sleep(30)', [], { timeout: 100 });
    await expect(first).resolves.toMatchObject({ command: 'SELECT' });
    await expect(second).rejects.toBeInstanceOf(TimeoutError);
    expect((await db.query('select 2 as n')).rows).toEqual([{ n: 2 }]);
  });

  it('a timeout on a query stuck behind a long one settles within timeout + grace (the connection is given up)', async () => {
    const stuck = await connect({ url, cancelGrace: 300 });
    const long = stuck.query('select pg_sleep(30)');
    const started = Date.now();
    const queued = stuck.query('select 1', [], { timeout: 100 });
    const error = (await queued.catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.cause).toBeInstanceOf(ConnectionError);
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(long).rejects.toBeInstanceOf(ConnectionError);
    // The server was told to stop the long statement too: no backend of ours is left sleeping.
    await new Promise((r) => setTimeout(r, 300));
    const { rows } = await admin.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where pid = $1 and state = 'active'",
      [stuck.processId],
    );
    expect(rows[0]!.n).toBe(0);
    await stuck.close();
  });

  it('an aborted signal before sending rejects at once without touching the server', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(db.query('select 1', [], { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('pg_terminate_backend mid-query rejects every pending query with a typed error', async () => {
    const victim = await connect(url);
    const pending = [victim.query('select pg_sleep(30)'), victim.query('select 1'), victim.query('select 2')];
    // Handlers go on now: the rejections may land before the terminate call itself returns.
    const outcomes = Promise.allSettled(pending);
    await new Promise((r) => setTimeout(r, 100));
    await admin.query('select pg_terminate_backend($1)', [victim.processId]);
    const settled = await outcomes;
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    const first = (settled[0] as PromiseRejectedResult).reason;
    expect(first).toBeInstanceOf(PostgresError);
    expect(first.code).toBe('57P01');
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConnectionError);
    await expect(victim.query('select 1')).rejects.toBeInstanceOf(ConnectionError);
    await victim.close();
  });

  it('a syntax error is a PostgresError with every field and the connection goes on', async () => {
    const error = (await db.query('selec 1').catch((e: unknown) => e)) as PostgresError;
    expect(error).toBeInstanceOf(PostgresError);
    expect(error.code).toBe('42601');
    expect(error.severity).toBe('ERROR');
    expect(error.position).toBe(1);
    expect(error.message).toMatch(/^ERROR: syntax error at or near "selec" \(SQLSTATE 42601\)$/);
    const constraint = (await db
      .exec('create temp table fk_probe (id int primary key); insert into fk_probe values (1), (1)')
      .catch((e: unknown) => e)) as PostgresError;
    expect(constraint.code).toBe('23505');
    expect(constraint.table).toBe('fk_probe');
    expect(constraint.constraint).toBe('fk_probe_pkey');
    expect(constraint.detail).toMatch(/already exists/);
  });

  it('close() is bounded in time even with a query that would run for a minute', async () => {
    const busy = await connect({ url, closeTimeout: 300 });
    const running = busy.query('select pg_sleep(60)');
    const started = Date.now();
    await busy.close();
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(running).rejects.toBeInstanceOf(ConnectionError);
  });

  it('a wrong parameter is an EncodeError naming it, and nothing is sent', async () => {
    const error = (await db.query('select $1::text', ['a\0b']).catch((e: unknown) => e)) as EncodeError;
    expect(error).toBeInstanceOf(EncodeError);
    expect(error.parameter).toBe(1);
    expect(error.message).toMatch(/\$1: .*NUL/);
    expect((await db.query('select 3 as n')).rows).toEqual([{ n: 3 }]);
  });
});

/** A scripted fake server on loopback: accepts, optionally answers with fixed bytes, then behaves as told. */
function fakeServer(onConnection: (socket: net.Socket) => void): Promise<{ port: number; close(): void }> {
  return new Promise((resolve) => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
      onConnection(s);
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        close: () => {
          for (const s of sockets) s.destroy();
          server.close();
        },
      });
    });
  });
}

describe('bad peers and bad input', () => {
  it('a server that never answers: connect times out', async () => {
    const server = await fakeServer(() => {});
    const started = Date.now();
    await expect(
      connect({ host: '127.0.0.1', port: server.port, sslmode: 'disable', connectTimeout: 300 }),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(5000);
    server.close();
  });

  it('a peer speaking HTTP is a ProtocolError, not a crash or a hang', async () => {
    const server = await fakeServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await expect(
      connect({ host: '127.0.0.1', port: server.port, sslmode: 'disable' }),
    ).rejects.toBeInstanceOf(ProtocolError);
    server.close();
  });

  it('a huge announced length is refused without allocating it', async () => {
    const server = await fakeServer((s) => s.write(Uint8Array.of(0x52, 0x7f, 0xff, 0xff, 0xf0)));
    await expect(
      connect({ host: '127.0.0.1', port: server.port, sslmode: 'disable', maxMessageSize: 1 << 20 }),
    ).rejects.toThrow(/length/);
    server.close();
  });

  it('plaintext injected after the SSL answer is refused', async () => {
    const server = await fakeServer((s) =>
      s.once('data', () => s.write(Uint8Array.of(0x53, 0x5a, 0, 0, 0, 5, 0x49))),
    );
    await expect(
      connect({ host: '127.0.0.1', port: server.port, sslmode: 'require' }),
    ).rejects.toBeInstanceOf(ProtocolError);
    server.close();
  });

  it('an unreachable port is a ConnectionError that says nothing was sent', async () => {
    const server = await fakeServer(() => {});
    const { port } = server;
    server.close();
    const error = (await connect({ host: '127.0.0.1', port, sslmode: 'disable' }).catch(
      (e: unknown) => e,
    )) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.sent).toBe(false);
  });

  it('a server that stops answering mid-query: timeout, cancel, grace, then every promise rejects', async () => {
    // Speak just enough protocol to get past startup, then go silent.
    const server = await fakeServer((s) => {
      s.once('data', () => {
        s.write(Uint8Array.of(0x52, 0, 0, 0, 8, 0, 0, 0, 0)); // AuthenticationOk
        s.write(Uint8Array.of(0x4b, 0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 2)); // BackendKeyData
        s.write(Uint8Array.of(0x5a, 0, 0, 0, 5, 0x49)); // ReadyForQuery
      });
    });
    const silent = await connect({
      host: '127.0.0.1',
      port: server.port,
      sslmode: 'disable',
      cancelGrace: 200,
    });
    const pending = [silent.query('select 1', [], { timeout: 100 }), silent.query('select 2')];
    const settled = await Promise.allSettled(pending);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect((settled[0] as PromiseRejectedResult).reason).toBeInstanceOf(TimeoutError);
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConnectionError);
    await silent.close();
    server.close();
  });

  it('a dropped socket mid-query rejects pending queries', async () => {
    const server = await fakeServer((s) => {
      s.once('data', () => {
        s.write(Uint8Array.of(0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49));
        s.once('data', () => s.destroy());
      });
    });
    const dropped = await connect({ host: '127.0.0.1', port: server.port, sslmode: 'disable' });
    await expect(dropped.query('select 1')).rejects.toBeInstanceOf(ConnectionError);
    await dropped.close();
    server.close();
  });

  it('malformed connection strings and unknown sslmode are ConfigErrors', async () => {
    await expect(connect('not a url')).rejects.toBeInstanceOf(ConfigError);
    await expect(connect('mysql://x@localhost/db')).rejects.toBeInstanceOf(ConfigError);
    await expect(connect('postgres://x@localhost/db?sslmode=sometimes')).rejects.toThrow(
      /unknown sslmode 'sometimes'/,
    );
  });
});
