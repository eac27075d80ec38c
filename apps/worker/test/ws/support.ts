/** Shared bits of the WebSocket proxy tests: the database to reach and small helpers. */
import net from 'node:net';
import { WebSocket } from 'ws';
import { databaseTargets } from '../../../../tools/test-targets.ts';

/**
 * The Postgres the proxy reaches: the `-service` target (127.0.0.1:5432, trust auth) or else the first
 * one tools/test-database-setup.ts provides. The proxy carries raw bytes, so one server is enough.
 */
function pickDatabase(): string {
  const targets = databaseTargets();
  return (targets.find((t) => t.name.endsWith('-service')) ?? targets[0]!).url;
}

export const DATABASE_URL = pickDatabase();

export function databaseAddress(url = DATABASE_URL): { host: string; port: number; address: string } {
  const parsed = new URL(url);
  const host = parsed.hostname;
  const port = Number(parsed.port || 5432);
  return { host, port, address: `${host}:${port}` };
}

/** A TCP server that counts connections, to prove the proxy never dialled it. */
export async function countingServer(): Promise<{
  port: number;
  readonly count: number;
  close(): Promise<void>;
}> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    get count() {
      return count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Opens a WebSocket-upgrade request and returns the HTTP status the proxy answered with. */
export function upgradeStatus(url: string, protocols?: string[]): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(target.port), target.hostname, () => {
      const lines = [
        `GET ${target.pathname}${target.search} HTTP/1.1`,
        `Host: ${target.host}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      ];
      if (protocols) lines.push(`Sec-WebSocket-Protocol: ${protocols.join(', ')}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      const match = head.match(/^HTTP\/1\.1 (\d{3})/);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`no HTTP status from ${url}: ${JSON.stringify(head)}`)));
  });
}

/** Opens a `ws` WebSocket; resolves once open, rejects if the handshake fails. */
export function openWebSocket(url: string, protocols?: string[]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.once('open', () => {
      ws.off('error', reject);
      resolve(ws);
    });
    ws.once('error', reject);
  });
}

/** Resolves with the close code and reason once `ws` closes; call it before anything that may close it. */
export function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

/**
 * A TCP target for leak tests: counts connections, keeps each open (with `halfOpen`, even after the
 * proxy's FIN: it never ends its side), knows how many are still open, and can reset them all (RST,
 * as a crashed or restarted server would).
 */
export async function heldServer(options: { halfOpen: boolean }): Promise<{
  port: number;
  readonly count: number;
  readonly open: number;
  resetAll(): void;
  close(): Promise<void>;
}> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: options.halfOpen }, (socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    get count() {
      return count;
    },
    get open() {
      return sockets.size;
    },
    resetAll() {
      for (const socket of sockets) socket.resetAndDestroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A well-formed WebSocket upgrade request's header lines, by name, for tests to spoil one at a time. */
export function upgradeHeaders(host: string): Record<string, string> {
  return {
    Host: host,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
  };
}

/**
 * The handshakes a proxy must refuse before dialling, each a well-formed one with one thing spoiled
 * (undefined: the header left out).
 */
export const BAD_HANDSHAKES: {
  name: string;
  method?: string;
  headers: Record<string, string | undefined>;
}[] = [
  { name: 'Sec-WebSocket-Version: 12', headers: { 'Sec-WebSocket-Version': '12' } },
  { name: 'no Sec-WebSocket-Version', headers: { 'Sec-WebSocket-Version': undefined } },
  { name: 'no Sec-WebSocket-Key', headers: { 'Sec-WebSocket-Key': undefined } },
  { name: 'a malformed Sec-WebSocket-Key', headers: { 'Sec-WebSocket-Key': 'short' } },
  { name: 'Upgrade: h2c', headers: { Upgrade: 'h2c', Connection: 'Upgrade, HTTP2-Settings' } },
  { name: 'a malformed Sec-WebSocket-Protocol', headers: { 'Sec-WebSocket-Protocol': 'a,,b' } },
  { name: 'POST', method: 'POST', headers: {} },
];

/**
 * Sends a raw upgrade request (`upgradeHeaders` with `changes` applied) and resolves with the HTTP
 * status of the answer, or 0 if the connection closed without one.
 */
export function rawUpgradeStatus(
  url: string,
  changes: Record<string, string | undefined>,
  method = 'GET',
): Promise<number> {
  const target = new URL(url);
  const headers: Record<string, string | undefined> = { ...upgradeHeaders(target.host), ...changes };
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${method} ${target.pathname}${target.search} HTTP/1.1`];
      for (const [name, value] of Object.entries(headers))
        if (value !== undefined) lines.push(`${name}: ${value}`);
      if (method !== 'GET') lines.push('Content-Length: 0');
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      const match = head.match(/^HTTP\/1\.1 (\d{3})/);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(0));
  });
}
