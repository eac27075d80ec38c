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
