/**
 * The Workers proxy (ws/proxy.ts over WebSocketPair and cloudflare:sockets) refuses every
 * malformed WebSocket handshake before dialling: workerd under Miniflare, with no dev proxy in front
 * (wrangler dev's proxy answers the client's handshake itself and opens a well-formed one of its own
 * to the Worker, so the Worker never sees what the client sent). The target, a local TCP server on
 * the allow-list, counts the connections. Not the POST case: workerd shows a POST upgrade to the
 * Worker as a GET, so the Worker cannot refuse it (workerd then answers 500 itself, and closes the
 * connection the proxy dialled within seconds).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_HANDSHAKES, heldServer, openWebSocket, rawUpgradeStatus } from '../ws/support.ts';
import { startMiniflare } from './miniflare.ts';
import type { Workerd } from './wrangler-dev.ts';

const TOKEN = 'workerd-handshake-token';

let workerd: Workerd;
let held: Awaited<ReturnType<typeof heldServer>>;
let target: string;

beforeAll(async () => {
  held = await heldServer({ halfOpen: false });
  workerd = await startMiniflare({
    entry: fileURLToPath(new URL('./ws-only-entry.ts', import.meta.url)),
    vars: { HAUL_TOKEN: TOKEN, ALLOWED_HOSTS: `127.0.0.1:${held.port}` },
  });
  target = `${workerd.url.replace('http:', 'ws:')}/v1/ws?token=${TOKEN}&address=127.0.0.1:${held.port}`;
}, 90_000);

afterAll(async () => {
  await workerd?.stop();
  await held?.close();
});

describe('workerd /v1/ws handshakes', () => {
  it('a well-formed one is dialled (the count can move)', async () => {
    const ws = await openWebSocket(target);
    await expect.poll(() => held.count).toBe(1);
    ws.close();
  });

  const seenByTheWorker = BAD_HANDSHAKES.filter((handshake) => handshake.method === undefined);
  it.each(seenByTheWorker)('refuses $name with a 4xx before dialling', async ({ headers, method }) => {
    const before = held.count;
    const status = await rawUpgradeStatus(target, headers, method);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(held.count - before).toBe(0);
  });
});
