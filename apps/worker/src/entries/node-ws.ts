/**
 * The Node flavour of GET /v1/ws: `ws` on the http server's `upgrade` event and `node:net` for TCP,
 * with real backpressure both ways (`ws.pause()` / `tcp.pause()`). Admission is the shared
 * routes/ws-auth.ts, done before the upgrade and before any TCP connect; the TCP connection is dialled
 * before the handshake completes, so an unreachable server fails it with 502.
 *
 * Usage (entries/node.ts): `const server = serve({ fetch: app.fetch, port }); attachWsProxy(server, config);`
 */
import type http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { MiddlewareHandler } from 'hono';
import { type WebSocket, WebSocketServer } from 'ws';
import type { WorkerConfig } from '../app-contract.ts';
import { admitWsRequest, offeredProtocols, TOKEN_SUBPROTOCOL_PREFIX } from '../routes/ws-auth.ts';

export interface NodeWsProxyOptions {
  /** Path served; default /v1/ws. Upgrades to other paths get 404. */
  path?: string;
  /** WebSocket send buffer, in bytes, above which TCP reads pause. */
  highWaterMark?: number;
}

type UpgradeListener = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

/** What is needed of the server: an http.Server, or whatever `serve()` from @hono/node-server returns. */
export interface UpgradableServer {
  on(event: 'upgrade', listener: UpgradeListener): unknown;
  off(event: 'upgrade', listener: UpgradeListener): unknown;
}

export interface NodeWsProxy {
  /** Bridges currently open. */
  readonly open: number;
  /** Detaches from the server and drops every bridge. */
  close(): void;
}

const HIGH_WATER_MARK = 256 * 1024;
/** A server with no `upgrade` listener drops upgrades; anything other than a WebSocket's is refused. */
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  502: 'Bad Gateway',
};

function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function reasonOf(error: Error): string {
  return error.message.replace(/\s+/g, ' ').slice(0, 120);
}

function bridge(ws: WebSocket, tcp: net.Socket, highWaterMark: number, onDone: () => void): void {
  let inFlight = 0;
  tcp.on('data', (chunk: Buffer) => {
    inFlight += chunk.length;
    ws.send(chunk, { binary: true }, () => {
      inFlight -= chunk.length;
      if (inFlight <= highWaterMark && tcp.isPaused()) tcp.resume();
    });
    if (inFlight > highWaterMark) tcp.pause();
  });
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (!isBinary) {
      ws.close(1003, 'binary messages only');
      tcp.destroy();
      return;
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (!tcp.write(bytes)) {
      ws.pause();
      tcp.once('drain', () => ws.resume());
    }
  });
  // A clean EOF from the server closes the WebSocket normally (after queued data); an error with 1011.
  let tcpError: Error | undefined;
  tcp.on('error', (error) => {
    tcpError = error;
  });
  tcp.on('close', () => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      ws.close(tcpError ? 1011 : 1000, tcpError ? reasonOf(tcpError) : undefined);
    }
    onDone();
  });
  // Whatever the client sent before closing (a CancelRequest, a Terminate) is flushed by end().
  ws.on('close', () => tcp.end());
  ws.on('error', () => tcp.destroy());
}

/**
 * Serves the WebSocket→TCP proxy on `server`'s `upgrade` event. Call once, after creating the
 * server (e.g. the one `serve()` from @hono/node-server returns).
 */
export function attachWsProxy(
  server: UpgradableServer,
  config: Pick<WorkerConfig, 'token' | 'allowedHosts'>,
  options: NodeWsProxyOptions = {},
): NodeWsProxy {
  const path = options.path ?? '/v1/ws';
  const highWaterMark = options.highWaterMark ?? HIGH_WATER_MARK;
  let open = 0;
  const bridges = new Set<{ ws: WebSocket; tcp: net.Socket }>();
  const wss = new WebSocketServer({
    noServer: true,
    // Echo the token subprotocol if that is how the client authenticated (browsers require an echo).
    handleProtocols: (protocols) =>
      [...protocols].find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) ?? false,
  });

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (url.pathname !== path) return refuse(socket, 404, 'not found');
    const protocolHeader = req.headers['sec-websocket-protocol'];
    const admission = admitWsRequest(url, offeredProtocols(protocolHeader).join(', '), config);
    if (!admission.ok) return refuse(socket, admission.status, admission.message);
    const tcp = net.connect({ host: admission.host, port: admission.port });
    // The client may give up while we are dialling.
    const onGiveUp = () => tcp.destroy();
    socket.once('close', onGiveUp);
    tcp.once('error', (error) => refuse(socket, 502, `could not connect: ${reasonOf(error)}`));
    tcp.once('connect', () => {
      socket.off('close', onGiveUp);
      tcp.removeAllListeners('error');
      tcp.setNoDelay(true);
      wss.handleUpgrade(req, socket, head, (ws) => {
        open++;
        const entry = { ws, tcp };
        bridges.add(entry);
        bridge(ws, tcp, highWaterMark, () => {
          open--;
          bridges.delete(entry);
        });
      });
    });
  };
  server.on('upgrade', onUpgrade);

  return {
    get open() {
      return open;
    },
    close() {
      server.off('upgrade', onUpgrade);
      for (const { ws, tcp } of bridges) {
        ws.terminate();
        tcp.destroy();
      }
      wss.close();
    },
  };
}

/**
 * For `runtime.webSocketProxy` on Node: the upgrade itself is handled by `attachWsProxy` before Hono
 * sees it, so a request reaching the app at GET /v1/ws was not a WebSocket upgrade.
 */
export const nodeWebSocketProxy: MiddlewareHandler = async (c) =>
  c.json({ error: { message: 'expected a WebSocket upgrade' } }, 426);
