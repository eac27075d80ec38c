/**
 * GET /v1/ws on the Deno and Bun entries (ws/deno.ts, ws/bun.ts), each spawned in its runtime
 * (spawn-entry.ts) against the real Postgres: our WebSocket adapter (queries, a pipelined batch, large
 * results and parameters both ways, a cancel), `@neondatabase/serverless`, and the refusals (401, 403
 * without dialling, 502, text messages, and every malformed handshake refused before any dial), and a
 * reset from the target (a local TCP server) closing the WebSocket with 1011.
 */
import { connect } from '@haul/protocol/websocket';
import { Client, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  BAD_HANDSHAKES,
  closeOf,
  countingServer,
  DATABASE_URL,
  databaseAddress,
  heldServer,
  openWebSocket,
  rawUpgradeStatus,
  upgradeStatus,
} from '../ws/support.ts';
import { freePort, START_TIMEOUT_MS, type StartedEntry, startEntry, stopEntry } from './spawn-entry.ts';

const TOKEN = 'runtime-ws-test-token';
const db = databaseAddress();
const pgUrl = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}sslmode=disable`;
const dbName = new URL(DATABASE_URL).pathname.slice(1);

describe.each(['deno', 'bun'] as const)('%s /v1/ws', (runtime) => {
  let entry: StartedEntry | undefined;
  let base: string;
  let forbidden: Awaited<ReturnType<typeof countingServer>>;
  /** On the allow-list, but nothing listens there. */
  let closedPort: number;
  /** On the allow-list: counts the proxy's connections and can reset them. */
  let held: Awaited<ReturnType<typeof heldServer>>;

  beforeAll(async () => {
    forbidden = await countingServer();
    closedPort = await freePort();
    held = await heldServer({ halfOpen: false });
    entry = await startEntry(runtime, {
      DATABASE_URL,
      HAUL_TOKEN: TOKEN,
      HAUL_ALLOWED_HOSTS: `${db.address},127.0.0.1:${closedPort},127.0.0.1:${held.port}`,
    });
    base = `${entry.url.replace('http:', 'ws:')}/v1/ws`;
  }, START_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await stopEntry(entry);
    await forbidden?.close();
    await held?.close();
  });

  const withToken = () => `${base}?token=${TOKEN}`;

  it('carries our WebSocket adapter: a query and a pipelined batch (token as a query parameter)', async () => {
    const conn = await connect(pgUrl, { url: withToken(), WebSocket });
    try {
      const result = await conn.query('select $1::int + 1 as n, current_database() as db', [41]);
      expect(result.rows).toEqual([{ n: 42, db: dbName }]);
      const outcomes = await conn.batch(
        [
          { sql: 'select 1 as a' },
          { sql: 'select $1::text as b', params: ['two'] },
          { sql: 'select 3 as c' },
        ],
        { sync: 'atomic' },
      );
      expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.rows : o.reason.message))).toEqual([
        [{ a: 1 }],
        [{ b: 'two' }],
        [{ c: 3 }],
      ]);
    } finally {
      await conn.close();
    }
  });

  it('echoes the token subprotocol and carries the adapter with it', async () => {
    // Offered second: the proxy must pick the token's, not just echo the first it sees.
    const ws = await openWebSocket(`${base}?address=${db.address}`, ['x.other', `haul.token.${TOKEN}`]);
    expect(ws.protocol).toBe(`haul.token.${TOKEN}`);
    ws.close();
    const conn = await connect(pgUrl, { url: base, WebSocket, protocols: [`haul.token.${TOKEN}`] });
    try {
      expect((await conn.query('select 7 as n')).rows).toEqual([{ n: 7 }]);
    } finally {
      await conn.close();
    }
  });

  it('moves a large result and a large parameter (backpressure both ways)', async () => {
    const conn = await connect(pgUrl, { url: withToken(), WebSocket });
    try {
      const result = await conn.query<{ s: string }>(
        "select string_agg(repeat('x', 100), '') || 'end' as s from generate_series(1, 50000)",
      );
      const s = result.rows[0]!.s;
      expect(s.length).toBe(5_000_003);
      expect(s.endsWith('xend')).toBe(true);
      const big = `${'y'.repeat(6_000_000)}z`;
      const echoed = await conn.query<{ n: number; tail: string }>(
        'select length($1::text) as n, right($1::text, 2) as tail',
        [big],
      );
      expect(echoed.rows).toEqual([{ n: 6_000_001, tail: 'yz' }]);
    } finally {
      await conn.close();
    }
  });

  it('holds a large result while the client stops reading, then delivers all of it', async () => {
    let client: WebSocket | undefined;
    // The adapter's own socket, so the test can stop reading it as a slow browser tab would.
    class Recorded extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        client = this;
      }
    }
    const conn = await connect(pgUrl, { url: withToken(), WebSocket: Recorded });
    try {
      const pending = conn.query<{ s: string }>(
        "select string_agg(repeat('w', 100), '') as s from generate_series(1, 200000)",
      );
      client!.pause();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      client!.resume();
      expect((await pending).rows[0]!.s.length).toBe(20_000_000);
      expect((await conn.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await conn.close();
    }
  });

  it('carries a cancel request that stops select pg_sleep(30)', async () => {
    const conn = await connect(pgUrl, { url: withToken(), WebSocket });
    try {
      const started = Date.now();
      const error = await conn.query('select pg_sleep(30)', [], { timeout: 300 }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      // The server's own "canceling statement due to user request": the cancel reached it.
      expect((error as Error | undefined)?.cause).toMatchObject({ code: '57014' });
      expect((await conn.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await conn.close();
    }
  });

  it('closes the WebSocket when the server ends the TCP connection', async () => {
    const conn = await connect(pgUrl, { url: withToken(), WebSocket });
    const killer = await connect(pgUrl, { url: withToken(), WebSocket });
    try {
      const { rows } = await conn.query<{ pid: number }>('select pg_backend_pid() as pid');
      await killer.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await expect(conn.query('select 1')).rejects.toThrow();
      await expect.poll(() => conn.isClosed).toBe(true);
    } finally {
      await conn.close();
      await killer.close();
    }
  });

  it('carries @neondatabase/serverless', async () => {
    neonConfig.webSocketConstructor = WebSocket;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;
    neonConfig.pipelineTLS = false;
    neonConfig.wsProxy = (host, port) =>
      `${base.slice('ws://'.length)}?token=${TOKEN}&address=${host}:${port}`;
    const client = new Client(DATABASE_URL);
    await client.connect();
    try {
      const result = await client.query('select $1::text as greeting, $2::int * 2 as n', [runtime, 21]);
      expect(result.rows).toEqual([{ greeting: runtime, n: 42 }]);
    } finally {
      await client.end();
    }
  });

  it('refuses a missing or wrong token with 401', async () => {
    expect(await upgradeStatus(`${base}?address=${db.address}`)).toBe(401);
    expect(await upgradeStatus(`${base}?address=${db.address}&token=wrong`)).toBe(401);
    expect(await upgradeStatus(`${base}?address=${db.address}&token=${TOKEN}x`)).toBe(401);
    expect(await upgradeStatus(`${base}?address=${db.address}`, ['haul.token.wrong'])).toBe(401);
  });

  it('refuses an address off the allow-list with 403 and never dials it', async () => {
    expect(await upgradeStatus(`${base}?address=127.0.0.1:${forbidden.port}&token=${TOKEN}`)).toBe(403);
    expect(await upgradeStatus(`${base}?address=localhost:${db.port}&token=${TOKEN}`)).toBe(403);
    // The listener is real: a direct dial would count (proves the counter can move).
    expect(forbidden.count).toBe(0);
  });

  it('answers 502 when an allowed server cannot be reached', async () => {
    expect(await upgradeStatus(`${base}?address=127.0.0.1:${closedPort}&token=${TOKEN}`)).toBe(502);
  });

  it.each(BAD_HANDSHAKES)('refuses $name with a 4xx before dialling', async ({ headers, method }) => {
    const before = held.count;
    const status = await rawUpgradeStatus(
      `${base}?token=${TOKEN}&address=127.0.0.1:${held.port}`,
      headers,
      method,
    );
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(held.count - before).toBe(0);
    expect(held.open).toBe(0);
  });

  it('closes the WebSocket with 1011 when the target resets, and serves on', async () => {
    const ws = await openWebSocket(`${withToken()}&address=127.0.0.1:${held.port}`);
    await expect.poll(() => held.open).toBe(1);
    const closed = closeOf(ws);
    held.resetAll();
    expect((await closed).code).toBe(1011);
    const conn = await connect(pgUrl, { url: withToken(), WebSocket });
    try {
      expect((await conn.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await conn.close();
    }
  });

  it('closes the WebSocket on a text message', async () => {
    const ws = await openWebSocket(`${withToken()}&address=${db.address}`);
    const closed = closeOf(ws);
    ws.send('select 1');
    const { code } = await closed;
    expect(code).toBe(1003);
  });
});
