/**
 * The Node flavour of GET /v1/ws (entries/node-ws.ts) against the real Postgres: our WebSocket adapter
 * (queries, a cancel via `timeout`), `@neondatabase/serverless`, and admission (401/403, no dial).
 */
import http from 'node:http';
import type net from 'node:net';
import { connect } from '@haul/protocol/websocket';
import { Client, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { attachWsProxy, type NodeWsProxy } from '../../src/entries/node-ws.ts';
import { countingServer, DATABASE_URL, databaseAddress, upgradeStatus } from './support.ts';

const TOKEN = 'node-ws-test-token';
const db = databaseAddress();

let server: http.Server;
let proxy: NodeWsProxy;
let base: string;
let forbidden: Awaited<ReturnType<typeof countingServer>>;

beforeAll(async () => {
  forbidden = await countingServer();
  server = http.createServer((_req, res) => res.writeHead(404).end());
  proxy = attachWsProxy(server, { token: TOKEN, allowedHosts: [db.address] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1/ws`;
});

afterAll(async () => {
  proxy.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await forbidden.close();
});

const pgUrl = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}sslmode=disable`;

describe('@haul/protocol/websocket through the Node proxy', () => {
  it('runs queries (token as a query parameter)', async () => {
    const conn = await connect(pgUrl, { url: `${base}?token=${TOKEN}`, WebSocket });
    try {
      const result = await conn.query('select $1::int + 1 as n, current_database() as db', [41]);
      expect(result.rows).toEqual([{ n: 42, db: new URL(DATABASE_URL).pathname.slice(1) }]);
      const outcomes = await conn.batch([{ sql: 'select 1 as a' }, { sql: 'select 2 as b' }]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    } finally {
      await conn.close();
    }
  });

  it('runs queries (token as a subprotocol)', async () => {
    const conn = await connect(pgUrl, { url: base, WebSocket, protocols: [`haul.token.${TOKEN}`] });
    try {
      expect((await conn.query('select 7 as n')).rows).toEqual([{ n: 7 }]);
    } finally {
      await conn.close();
    }
  });

  it('cancels a slow statement through a second WebSocket', async () => {
    const conn = await connect(pgUrl, { url: `${base}?token=${TOKEN}`, WebSocket });
    try {
      const started = Date.now();
      await expect(conn.query('select pg_sleep(10)', [], { timeout: 300 })).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5_000);
      // The connection survives the cancel.
      expect((await conn.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await conn.close();
    }
  });

  it('moves a large result with backpressure', async () => {
    const conn = await connect(pgUrl, { url: `${base}?token=${TOKEN}`, WebSocket });
    try {
      const result = await conn.query<{ s: string }>(
        "select string_agg(repeat('x', 100), '') as s from generate_series(1, 50000)",
      );
      expect(result.rows[0]!.s.length).toBe(5_000_000);
    } finally {
      await conn.close();
    }
  });
  it('closes the WebSocket when the server ends the TCP connection', async () => {
    const conn = await connect(pgUrl, { url: `${base}?token=${TOKEN}`, WebSocket });
    const killer = await connect(pgUrl, { url: `${base}?token=${TOKEN}`, WebSocket });
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
});

describe('@neondatabase/serverless through the Node proxy', () => {
  it('connects and runs a query', async () => {
    neonConfig.webSocketConstructor = WebSocket;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;
    neonConfig.pipelineTLS = false;
    neonConfig.wsProxy = (host, port) =>
      `${base.slice('ws://'.length)}?token=${TOKEN}&address=${host}:${port}`;
    const client = new Client(DATABASE_URL);
    await client.connect();
    try {
      const result = await client.query('select $1::text as greeting', ['hello']);
      expect(result.rows).toEqual([{ greeting: 'hello' }]);
    } finally {
      await client.end();
    }
  });
});

describe('admission', () => {
  const address = `address=${db.address}`;

  it('refuses a missing token with 401', async () => {
    expect(await upgradeStatus(`${base}?${address}`)).toBe(401);
  });

  it('refuses a wrong token with 401 (query parameter and subprotocol)', async () => {
    expect(await upgradeStatus(`${base}?${address}&token=wrong`)).toBe(401);
    expect(await upgradeStatus(`${base}?${address}`, ['haul.token.wrong'])).toBe(401);
    expect(await upgradeStatus(`${base}?${address}&token=${TOKEN}x`)).toBe(401);
  });

  it('refuses an address off the allow-list with 403 and never dials it', async () => {
    expect(await upgradeStatus(`${base}?address=127.0.0.1:${forbidden.port}&token=${TOKEN}`)).toBe(403);
    expect(await upgradeStatus(`${base}?address=localhost:${db.port}&token=${TOKEN}`)).toBe(403);
    expect(forbidden.count).toBe(0);
  });

  it('refuses a malformed address with 400', async () => {
    expect(await upgradeStatus(`${base}?address=nope&token=${TOKEN}`)).toBe(400);
  });

  it('fails the adapter cleanly when refused', async () => {
    await expect(connect(pgUrl, { url: `${base}?token=wrong`, WebSocket })).rejects.toThrow(/WebSocket/);
  });
});
