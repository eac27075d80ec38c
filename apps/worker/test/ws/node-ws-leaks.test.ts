/**
 * The Node proxy (entries/node-ws.ts) never leaves a TCP connection without an owner: a handshake it
 * refuses is refused before any dial (the target, a local TCP server on the allow-list, counts its
 * connections), a reset from the target is no unhandled 'error' (it would crash this test process),
 * and a target that never closes its side after the client left is cut off after `endGraceMs`.
 */
import http from 'node:http';
import { type AddressInfo, connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachWsProxy, type NodeWsProxy, type NodeWsProxyOptions } from '../../src/entries/node-ws.ts';
import {
  BAD_HANDSHAKES,
  closeOf,
  heldServer,
  openWebSocket,
  rawUpgradeStatus,
  upgradeHeaders,
} from './support.ts';

const TOKEN = 'node-ws-leak-token';

/** An http server with the proxy attached, allowed to reach `port` only. */
async function startProxy(
  port: number,
  options: NodeWsProxyOptions = {},
): Promise<{ base: string; proxy: NodeWsProxy; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const proxy = attachWsProxy(server, { token: TOKEN, allowedHosts: [`127.0.0.1:${port}`] }, options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/ws`;
  const close = async () => {
    proxy.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { base, proxy, close };
}

let target: Awaited<ReturnType<typeof heldServer>>;
let proxied: Awaited<ReturnType<typeof startProxy>>;
let proxy: NodeWsProxy;
let base: string;

beforeAll(async () => {
  target = await heldServer({ halfOpen: true });
  proxied = await startProxy(target.port, { endGraceMs: 300 });
  ({ proxy, base } = proxied);
});

afterAll(async () => {
  await proxied.close();
  await target.close();
});

const targetUrl = () => `${base}?token=${TOKEN}&address=127.0.0.1:${target.port}`;

describe('handshakes the proxy refuses', () => {
  it.each(BAD_HANDSHAKES)('$name: refused with a 4xx and never dialled', async ({ headers, method }) => {
    const before = target.count;
    const status = await rawUpgradeStatus(targetUrl(), headers, method);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    // Give a dial (had there been one) the time to land.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(target.count - before).toBe(0);
    expect(target.open).toBe(0);
  });

  it('a target reset after them crashes nothing, and the proxy still serves', async () => {
    // An 'error' without a listener is an uncaught exception: in the worker, the end of the process.
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      target.resetAll();
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('uncaughtException', record);
    }
    expect(uncaught).toEqual([]);
    const ws = await openWebSocket(targetUrl());
    await expect.poll(() => target.open).toBe(1);
    ws.close();
  });
});

describe('a handshake ws itself refuses', () => {
  it('a client that half-closes right after its handshake leaves no TCP connection behind', async () => {
    const closing = await heldServer({ halfOpen: false });
    const local = await startProxy(closing.port);
    try {
      const url = new URL(`${local.base}?token=${TOKEN}&address=127.0.0.1:${closing.port}`);
      for (let i = 0; i < 5; i++) {
        // The FIN lands before the dial completes: ws then drops the socket without calling back.
        const socket = netConnect(Number(url.port), url.hostname, () => {
          const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`];
          for (const [name, value] of Object.entries(upgradeHeaders(url.host)))
            lines.push(`${name}: ${value}`);
          socket.end(`${lines.join('\r\n')}\r\n\r\n`);
        });
        socket.on('error', () => {});
        socket.resume();
      }
      await expect.poll(() => closing.count).toBeGreaterThan(0);
      await expect.poll(() => closing.open, { timeout: 3_000 }).toBe(0);
    } finally {
      await local.close();
      await closing.close();
    }
  });
});

describe('a bridged connection', () => {
  it('reset by the target closes the WebSocket with 1011 and frees the bridge', async () => {
    const ws = await openWebSocket(targetUrl());
    await expect.poll(() => target.open).toBeGreaterThan(0);
    const closed = closeOf(ws);
    target.resetAll();
    expect((await closed).code).toBe(1011);
    await expect.poll(() => proxy.open).toBe(0);
  });

  it('closed by the target while paused for its backpressure finishes the closing handshake', async () => {
    await expect.poll(() => target.open).toBe(0);
    const ws = await openWebSocket(targetUrl());
    await expect.poll(() => target.open).toBe(1);
    // The target never reads: a message far beyond the socket buffers leaves the proxy's TCP write
    // waiting for a 'drain' and the WebSocket paused...
    ws.send(new Uint8Array(32 * 1024 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closed = closeOf(ws);
    // ...when the target goes away. That 'drain' never comes; the close frame must still be read.
    target.resetAll();
    const outcome = await Promise.race([
      closed,
      new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 5_000)),
    ]);
    expect(outcome).not.toBe('stalled');
    expect((outcome as { code: number }).code).toBe(1011);
    await expect.poll(() => proxy.open).toBe(0);
  });

  it('is destroyed after endGraceMs when the target never closes its side', async () => {
    await expect.poll(() => target.open).toBe(0);
    const ws = await openWebSocket(targetUrl());
    await expect.poll(() => proxy.open).toBe(1);
    const closed = closeOf(ws);
    ws.close();
    await closed;
    // The target (allowHalfOpen) ignores the proxy's FIN; only the grace timer ends the connection.
    await expect.poll(() => proxy.open, { timeout: 3_000 }).toBe(0);
  });
});
