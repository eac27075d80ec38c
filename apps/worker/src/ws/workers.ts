/**
 * The Workers flavour of the proxy's runtime shims: the upgrade via `WebSocketPair`, and TCP via
 * `connect()` from `cloudflare:sockets`. Imported only by the Workers entry.
 */
import { connect } from 'cloudflare:sockets';
import type { MiddlewareHandler } from 'hono';
import type { WorkerConfig } from '../app-contract.ts';
import type { OpenTcp, ServerWebSocket } from './bridge.ts';
import { createWsProxy, type UpgradeWebSocket } from './proxy.ts';

/** Workers' server-side WebSocket: a standard one plus `accept()`. */
interface WorkersWebSocket extends ServerWebSocket {
  accept(): void;
  binaryType: string;
}

/** A Sec-WebSocket-Extensions value with no extension workerd knows: no compression. */
const NO_EXTENSIONS = 'none';

declare const WebSocketPair: { new (): { 0: WebSocket; 1: WorkersWebSocket } };

export const workersUpgrade: UpgradeWebSocket = (_c, protocol) => {
  const pair = new WebSocketPair();
  const client = pair[0];
  const server = pair[1];
  server.accept();
  // From 2026-03-17 binary messages arrive as Blob unless asked for ArrayBuffer.
  server.binaryType = 'arraybuffer';
  // workerd negotiates permessage-deflate with any client that offers it (browsers and the `ws`
  // package do) unless the response names the extensions it allows; naming none it knows refuses
  // compression (an empty value does not: it counts as no header). Deflating protocol bytes cost the
  // client and the isolate more CPU than the bridge itself; W2's profile had zlib on top.
  const headers = new Headers({ 'Sec-WebSocket-Extensions': NO_EXTENSIONS });
  if (protocol) headers.set('Sec-WebSocket-Protocol', protocol);
  const response = new Response(null, { status: 101, headers, webSocket: client } as ResponseInit);
  return { socket: server, response };
};

export const workersOpenTcp: OpenTcp = async (hostname, port) => {
  const socket = connect({ hostname, port }, { secureTransport: 'off', allowHalfOpen: false });
  try {
    await socket.opened;
  } catch (error) {
    socket.close().catch(() => {});
    throw error;
  }
  return { readable: socket.readable, writable: socket.writable, close: () => socket.close() };
};

/** GET /v1/ws on Workers. */
export function workersWsProxy(config: Pick<WorkerConfig, 'token' | 'allowedHosts'>): MiddlewareHandler {
  return createWsProxy(config, { openTcp: workersOpenTcp, upgrade: workersUpgrade });
}
