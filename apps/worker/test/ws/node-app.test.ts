/**
 * The proxy attached the way the Node entry does it: `serve()` from @hono/node-server for the app, and
 * `attachWsProxy(server, config)` for upgrades on the same port.
 */
import type { AddressInfo } from 'node:net';
import { connect as connectTcp } from '@haul/protocol/node';
import { connect } from '@haul/protocol/websocket';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createApp } from '../../src/app.ts';
import { configFromEnv } from '../../src/config.ts';
import { attachWsProxy, type NodeWsProxy, nodeWebSocketProxy } from '../../src/entries/node-ws.ts';
import { DATABASE_URL } from './support.ts';

const TOKEN = 'node-app-ws-token';
const config = configFromEnv({ DATABASE_URL, HAUL_TOKEN: TOKEN });
const pgUrl = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}sslmode=disable`;

let server: ServerType;
let proxy: NodeWsProxy;
let url: string;

beforeAll(async () => {
  const app = createApp(config, { name: 'node', connect: connectTcp, webSocketProxy: nodeWebSocketProxy });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
  });
  proxy = attachWsProxy(server, config);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('serves HTTP and the WebSocket proxy on one port', async () => {
  expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ ok: true, runtime: 'node' });
  // The default allow-list is the database's own host:port.
  const conn = await connect(pgUrl, {
    url: `${url.replace('http:', 'ws:')}/v1/ws?token=${TOKEN}`,
    WebSocket,
  });
  try {
    expect((await conn.query('select 5 as n')).rows).toEqual([{ n: 5 }]);
    expect(proxy.open).toBe(1);
  } finally {
    await conn.close();
  }
  await expect.poll(() => proxy.open).toBe(0);
});

it('answers a plain GET /v1/ws with 426', async () => {
  const response = await fetch(`${url}/v1/ws?token=${TOKEN}&address=127.0.0.1:5432`);
  expect(response.status).toBe(426);
});
