/**
 * A small WebSocket→TCP bridge for tests, speaking Neon's wsproxy convention:
 * `ws://127.0.0.1:PORT/v1?address=host:port`, raw bytes in binary messages, both directions with
 * backpressure. It dials only the addresses a test allow-lists, and only on loopback.
 *
 * The TCP connection is dialled before the WebSocket upgrade completes, so a refused address fails the
 * WebSocket handshake (HTTP 502) instead of opening and closing at once.
 */
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

export interface WsProxy {
  /** Base URL for the adapter, e.g. `ws://127.0.0.1:PORT/v1`. */
  readonly url: string;
  /** Allows `host:port` to be dialled (loopback hosts only). */
  allow(host: string, port: number): void;
  /** Bridges currently open. */
  readonly open: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
/** Bytes sent to the WebSocket but not yet written out, beyond which the TCP side is paused. */
const HIGH_WATER_MARK = 256 * 1024;

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Parses `address=host:port` (IPv6 in brackets); undefined if malformed. */
function parseAddress(value: string | null): { host: string; port: number } | undefined {
  const match = value?.match(/^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/);
  if (!match) return undefined;
  return { host: (match[1] ?? match[2])!, port: Number(match[3]) };
}

function bridge(ws: WebSocket, tcp: net.Socket, onDone: () => void): void {
  let inFlight = 0;
  tcp.on('data', (chunk: Buffer) => {
    inFlight += chunk.length;
    ws.send(chunk, () => {
      inFlight -= chunk.length;
      if (inFlight <= HIGH_WATER_MARK) tcp.resume();
    });
    if (inFlight > HIGH_WATER_MARK) tcp.pause();
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return ws.close(1003, 'binary messages only');
    if (!tcp.write(data)) {
      ws.pause();
      tcp.once('drain', () => ws.resume());
    }
  });
  // A clean EOF from the server closes the WebSocket normally (after the queued data); an error with 1011.
  let tcpError: Error | undefined;
  tcp.on('error', (error) => {
    tcpError = error;
  });
  tcp.on('close', () => {
    ws.close(tcpError ? 1011 : 1000, tcpError?.message.slice(0, 100));
    onDone();
  });
  ws.on('close', () => tcp.end());
  ws.on('error', () => tcp.destroy());
}

export async function startWsProxy(): Promise<WsProxy> {
  const allowed = new Set<string>();
  const sockets = new Set<Duplex>();
  let open = 0;
  const server = http.createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ noServer: true });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const url = new URL(req.url ?? '/', 'http://proxy');
    const target = url.pathname === '/v1' ? parseAddress(url.searchParams.get('address')) : undefined;
    if (!target) return refuse(socket, 400, 'Bad Request');
    if (!LOOPBACK.has(target.host) || !allowed.has(`${target.host}:${target.port}`)) {
      return refuse(socket, 403, 'Forbidden');
    }
    const tcp = net.connect({ host: target.host, port: target.port });
    // The client may give up while we are dialling.
    const onGiveUp = () => tcp.destroy();
    socket.once('close', onGiveUp);
    tcp.once('error', () => refuse(socket, 502, 'Bad Gateway'));
    tcp.once('connect', () => {
      socket.off('close', onGiveUp);
      tcp.removeAllListeners('error');
      tcp.setNoDelay(true);
      wss.handleUpgrade(req, socket, head, (ws) => {
        open++;
        bridge(ws, tcp, () => open--);
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/v1`,
    allow(host, targetPort) {
      allowed.add(`${host}:${targetPort}`);
    },
    get open() {
      return open;
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
