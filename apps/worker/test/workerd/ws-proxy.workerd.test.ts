/**
 * The Workers flavour of GET /v1/ws (WebSocketPair + `connect()` from cloudflare:sockets) running in
 * workerd under `wrangler dev`, against the real Postgres: our WebSocket adapter, a cancel, Neon's
 * driver, and admission (401/403, never dialling a refused address).
 */
import { fileURLToPath } from 'node:url';
import { connect } from '@haul/protocol/websocket';
import { Client, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { countingServer, DATABASE_URL, databaseAddress, upgradeStatus } from '../ws/support.ts';
import { startWorkerd, type Workerd } from './wrangler-dev.ts';

const TOKEN = 'workerd-ws-test-token';
const db = databaseAddress();
const pgUrl = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}sslmode=disable`;

let workerd: Workerd;
let base: string;
let forbidden: Awaited<ReturnType<typeof countingServer>>;

beforeAll(async () => {
  forbidden = await countingServer();
  workerd = await startWorkerd({
    entry: fileURLToPath(new URL('./ws-only-entry.ts', import.meta.url)),
    vars: { HAUL_TOKEN: TOKEN, ALLOWED_HOSTS: db.address },
  });
  base = `${workerd.url.replace('http:', 'ws:')}/v1/ws`;
}, 90_000);

afterAll(async () => {
  await workerd?.stop();
  await forbidden?.close();
});

describe('workerd /v1/ws', () => {
  it('carries our WebSocket adapter (token as a query parameter)', async () => {
    const conn = await connect(pgUrl, { url: `${base}?token=${TOKEN}`, WebSocket });
    try {
      expect((await conn.query('select $1::int * 2 as n', [21])).rows).toEqual([{ n: 42 }]);
      const outcomes = await conn.batch([{ sql: 'select 1 as a' }, { sql: 'select 2 as b' }], {
        sync: 'atomic',
      });
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    } finally {
      await conn.close();
    }
  });

  it('carries our WebSocket adapter (token as a subprotocol)', async () => {
    const conn = await connect(pgUrl, { url: base, WebSocket, protocols: [`haul.token.${TOKEN}`] });
    try {
      expect((await conn.query('select 3 as n')).rows).toEqual([{ n: 3 }]);
    } finally {
      await conn.close();
    }
  });

  it('refuses permessage-deflate, which the ws package and browsers offer', async () => {
    const ws = new WebSocket(`${base}?token=${TOKEN}&address=${db.address}`);
    try {
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      // Deflating protocol bytes cost both ends more CPU than the proxy itself (bench W2).
      expect(ws.extensions).toBe('');
    } finally {
      ws.close();
    }
  });

  it('moves a large result', async () => {
    const conn = await connect(pgUrl, { url: `${base}?token=${TOKEN}`, WebSocket });
    try {
      const result = await conn.query<{ s: string }>(
        "select string_agg(repeat('y', 100), '') as s from generate_series(1, 20000)",
      );
      expect(result.rows[0]!.s.length).toBe(2_000_000);
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
      expect((await conn.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
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
      expect((await client.query('select $1::text as t', ['neon'])).rows).toEqual([{ t: 'neon' }]);
    } finally {
      await client.end();
    }
  });

  it('refuses a missing or wrong token with 401', async () => {
    expect(await upgradeStatus(`${base}?address=${db.address}`)).toBe(401);
    expect(await upgradeStatus(`${base}?address=${db.address}&token=wrong`)).toBe(401);
    expect(await upgradeStatus(`${base}?address=${db.address}`, ['haul.token.wrong'])).toBe(401);
  });

  it('refuses an address off the allow-list with 403 and never dials it', async () => {
    expect(await upgradeStatus(`${base}?address=127.0.0.1:${forbidden.port}&token=${TOKEN}`)).toBe(403);
    expect(forbidden.count).toBe(0);
  });
});
