/**
 * The Node flavour of GET /v1/ws: `ws` on the http server's `upgrade` event and `node:net` for TCP,
 * with real backpressure both ways (`ws.pause()` / `tcp.pause()`). Admission (routes/ws-auth.ts) and
 * the handshake's own checks (routes/ws-handshake.ts) come before any TCP connect; the TCP connection
 * is dialled before the handshake completes, so an unreachable server fails it with 502.
 *
 * Every socket has an owner and an error listener until it is closed: while dialling and until `ws`
 * hands over the WebSocket, the client's socket owns the TCP one (its close destroys it, a TCP error
 * ends the client's); from then on the bridge owns both. A handshake `ws` refuses after all thus
 * still takes the TCP connection down with it, and a reset from the target is never an unhandled
 * 'error' that would crash the process.
 *
 * Usage (entries/node.ts): `const server = serve({ fetch: app.fetch, port }); attachWsProxy(server, config);`
 */
import type http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { MiddlewareHandler } from 'hono';
import { type WebSocket, WebSocketServer } from 'ws';
import type { WorkerConfig } from '../app-contract.ts';
import { admitWsRequest, offeredProtocols, TOKEN_SUBPROTOCOL_PREFIX } from '../ws/admission.ts';
import { handshakeRefusal } from '../ws/handshake.ts';

/** A request header as one string (Node joins repeated ones into an array for a few names). */
function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export interface NodeWsProxyOptions {
  /** Path served; default /v1/ws. Upgrades to other paths get 404. */
  path?: string;
  /** WebSocket send buffer, in bytes, above which TCP reads pause. */
  highWaterMark?: number;
  /**
   * After the client closes, ms the target gets to close its side of TCP (the client's last bytes,
   * a Terminate or CancelRequest, are flushed first) before the connection is destroyed; after the
   * target closes, ms the client gets to answer the closing handshake before it is dropped. Default 10 s.
   */
  endGraceMs?: number;
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
const END_GRACE_MS = 10_000;
/** A server with no `upgrade` listener drops upgrades; anything other than a WebSocket's is refused. */
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  426: 'Upgrade Required',
  502: 'Bad Gateway',
};

function refuse(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { message } });
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function reasonOf(error: Error): string {
  return error.message.replace(/\s+/g, ' ').slice(0, 120);
}

function bridge(
  ws: WebSocket,
  tcp: net.Socket,
  options: { highWaterMark: number; endGraceMs: number },
  onDone: () => void,
): void {
  const { highWaterMark } = options;
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
    // The target is gone (its FIN or a reset landed first): the close is under way and the bytes have
    // nowhere to go. Writing would fail without a 'drain', so pausing here would stall the handshake.
    if (!tcp.writable) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (!tcp.write(bytes) && tcp.writable) {
      ws.pause();
      tcp.once('drain', () => ws.resume());
    }
  });
  // A clean EOF from the server closes the WebSocket normally (after queued data); an error with 1011.
  let tcpError: Error | undefined;
  tcp.on('error', (error) => {
    tcpError = error;
  });
  let grace: ReturnType<typeof setTimeout> | undefined;
  tcp.on('close', () => {
    clearTimeout(grace);
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      ws.close(tcpError ? 1011 : 1000, tcpError ? reasonOf(tcpError) : undefined);
    }
    // No 'drain' will come now: a WebSocket paused for one would never read the client's close frame
    // and the closing handshake would stall until ws's own 30 s timeout.
    if (ws.isPaused) ws.resume();
    // A client that never answers the close frame is cut off after the same grace as a silent target.
    if (ws.readyState !== ws.CLOSED) {
      grace = setTimeout(() => ws.terminate(), options.endGraceMs);
      grace.unref?.();
    }
    onDone();
  });
  // Whatever the client sent before closing (a CancelRequest, a Terminate) is flushed by end(); a
  // target that never closes its side is not left holding the connection open.
  ws.on('close', () => {
    clearTimeout(grace);
    if (tcp.destroyed) return;
    tcp.end();
    grace = setTimeout(() => tcp.destroy(), options.endGraceMs);
    grace.unref?.();
  });
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
  const bridgeOptions = {
    highWaterMark: options.highWaterMark ?? HIGH_WATER_MARK,
    endGraceMs: options.endGraceMs ?? END_GRACE_MS,
  };
  let open = 0;
  const bridges = new Set<{ ws: WebSocket; tcp: net.Socket }>();
  const wss = new WebSocketServer({
    noServer: true,
    // Echo the token subprotocol if that is how the client authenticated (browsers require an echo).
    handleProtocols: (protocols) =>
      [...protocols].find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) ?? false,
  });

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // For the socket's whole life: ws adds its own once it takes over, but a reset before that must
    // not be an unhandled 'error'.
    socket.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (url.pathname !== path) return refuse(socket, 404, 'not found');
    const protocolHeader = req.headers['sec-websocket-protocol'];
    const admission = admitWsRequest(url, offeredProtocols(protocolHeader).join(', '), config);
    if (!admission.ok) return refuse(socket, admission.status, admission.message);
    const refusal = handshakeRefusal(req.method ?? '', (name) => headerValue(req, name));
    if (refusal) return refuse(socket, refusal.status, refusal.message, refusal.headers);
    // Gone already: its 'close' may have fired, and nothing would then own a TCP connection.
    if (socket.destroyed) return;

    const tcp = net.connect({ host: admission.host, port: admission.port });
    // Until the bridge takes over, the client's socket owns the TCP one: the client giving up (or
    // ws refusing the handshake after all, which ends the socket) destroys it...
    const onClientGone = () => tcp.destroy();
    socket.once('close', onClientGone);
    // ...and a TCP failure ends the client's request: a 502 while dialling, a dropped connection after.
    let connected = false;
    const onTcpError = (error: Error) => {
      if (connected) socket.destroy();
      else refuse(socket, 502, `could not connect: ${reasonOf(error)}`);
    };
    tcp.on('error', onTcpError);
    tcp.once('connect', () => {
      connected = true;
      tcp.setNoDelay(true);
      wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off('close', onClientGone);
        tcp.off('error', onTcpError);
        open++;
        const entry = { ws, tcp };
        bridges.add(entry);
        bridge(ws, tcp, bridgeOptions, () => {
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
