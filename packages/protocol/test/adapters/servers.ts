/**
 * Local peers for the socket conformance suite: a TCP server with per-test behaviour, a recorder for
 * what a ByteSocket delivers, and a throw-away CA plus leaf certificate for the TLS case.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SocketHandlers } from '../../src/socket.ts';

export interface TestServer {
  port: number;
  /** Server-side sockets, in accept order. */
  peers: net.Socket[];
  /** Server-side sockets not yet closed. */
  readonly open: number;
  /** Resolves with the next accepted socket (or the first, if already accepted). */
  peer(index?: number): Promise<net.Socket>;
  close(): Promise<void>;
}

export async function serve(onConnection: (socket: net.Socket) => void = () => {}): Promise<TestServer> {
  const peers: net.Socket[] = [];
  const waiting: Array<() => void> = [];
  let open = 0;
  const server = net.createServer((socket) => {
    open++;
    socket.on('error', () => {});
    socket.on('close', () => open--);
    peers.push(socket);
    for (const wake of waiting.splice(0)) wake();
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    peers,
    get open() {
      return open;
    },
    async peer(index = 0) {
      while (peers.length <= index) await new Promise<void>((resolve) => waiting.push(resolve));
      return peers[index]!;
    },
    async close() {
      for (const socket of peers) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = await serve();
  await server.close();
  return server.port;
}

/** Records everything a ByteSocket delivers, with waits for byte counts and the end. */
export class Recorder implements SocketHandlers {
  chunks: Uint8Array[] = [];
  received = 0;
  ends: Array<Error | undefined> = [];
  dataAfterEnd = 0;
  #wakers: Array<() => void> = [];

  data(chunk: Uint8Array): void {
    if (this.ends.length > 0) this.dataAfterEnd++;
    this.chunks.push(chunk);
    this.received += chunk.length;
    this.#wake();
  }

  end(error?: Error): void {
    this.ends.push(error);
    this.#wake();
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.received);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  text(): string {
    return new TextDecoder().decode(this.bytes());
  }

  until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting (received ${this.received} bytes)`)),
        timeoutMs,
      );
      const check = () => {
        if (!condition()) return void this.#wakers.push(check);
        clearTimeout(timer);
        resolve();
      };
      check();
    });
  }

  #wake() {
    for (const wake of this.#wakers.splice(0)) wake();
  }
}

/** Polls `condition` every 10 ms; for state that no event announces (a server's open sockets). */
export async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rejects if `promise` takes longer than `ms`; resolves with its outcome (settled, not thrown). */
export async function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<PromiseSettledResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Deterministic bytes: the check that 16 MiB arrived intact and in order. */
export function pattern(offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (offset + i) % 251;
  return out;
}

export interface TestCertificates {
  ca: string;
  key: string;
  cert: string;
  /** A CA that signed nothing here: verification against it must fail. */
  otherCa: string;
}

/** A CA and a leaf for `localhost`/127.0.0.1 made with the openssl CLI; nothing is kept on disk. */
export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'haul-tls-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    run(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=haul test CA',
    );
    run(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'other.key',
      '-out',
      'other.pem',
      '-days',
      '2',
      '-subj',
      '/CN=other CA',
    );
    run('req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost');
    writeFileSync(
      join(dir, 'ext.cnf'),
      'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
    );
    run(
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      '2',
      '-out',
      'leaf.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    );
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    return { ca: read('ca.pem'), key: read('leaf.key'), cert: read('leaf.pem'), otherCa: read('other.pem') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
