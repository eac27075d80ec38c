/**
 * The conformance suite every socket adapter runs: one function taking a factory and a skip list
 * with reasons, checked against local TCP peers started here. Each adapter's test file is a few lines.
 */
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, ConnectionError } from '../src/errors.ts';
import type { ByteSocket, SocketFactory } from '../src/socket.ts';
import {
  closedPort,
  eventually,
  makeCertificates,
  pattern,
  Recorder,
  serve,
  settlesWithin,
  sleep,
  type TestCertificates,
  type TestServer,
} from './adapters/servers.ts';

export type SocketCase =
  | 'round trip'
  | 'write backpressure'
  | 'pause and resume'
  | 'end on server close'
  | 'end on reset'
  | 'connect refused'
  | 'abort'
  | 'close flushes'
  | 'close timeout'
  | 'destroy'
  | 'tls'
  | 'tls unverified';

export interface SocketCaseOptions {
  /** Called lazily, so a test can build it in its own beforeAll (e.g. after starting a proxy). */
  factory: () => SocketFactory;
  /** Told every address about to be dialled, e.g. to allow-list it in a proxy. */
  allow?(host: string, port: number): void;
  /** Cases this adapter cannot pass, each with the reason why. */
  skip?: Partial<Record<SocketCase, string>>;
}

const HOST = '127.0.0.1';
const MiB = 1024 * 1024;
const encode = (text: string) => new TextEncoder().encode(text);

/** Small deterministic PRNG (mulberry32) so a failing chunking can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}

export function socketCases(name: string, options: SocketCaseOptions): void {
  const servers: TestServer[] = [];
  const sockets: ByteSocket[] = [];

  async function server(onConnection?: Parameters<typeof serve>[0]): Promise<TestServer> {
    const started = await serve(onConnection);
    servers.push(started);
    return started;
  }

  async function open(port: number, extra: { signal?: AbortSignal; tlsUpgradable?: boolean } = {}) {
    options.allow?.(HOST, port);
    const socket = await options.factory()({ host: HOST, port, tlsUpgradable: false, ...extra });
    sockets.push(socket);
    return socket;
  }

  /** Connects and starts a recorder. */
  async function started(port: number): Promise<{ socket: ByteSocket; rec: Recorder }> {
    const socket = await open(port);
    const rec = new Recorder();
    socket.start(rec);
    return { socket, rec };
  }

  function test(which: SocketCase, fn: () => Promise<void>, timeoutMs?: number) {
    const reason = options.skip?.[which];
    if (reason) it.skip(`${which} (skipped: ${reason})`, fn);
    else it(which, fn, timeoutMs);
  }

  describe(`socket conformance: ${name}`, () => {
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((s) => s.close()));
    });

    test('round trip', async () => {
      const echo = await server((peer) => peer.pipe(peer));
      const { socket, rec } = await started(echo.port);
      const next = random(0x5eed);
      let sent = 0;
      while (sent < 2 * MiB) {
        const size = 1 + Math.floor(next() * 64 * 1024);
        await socket.write(pattern(sent, size));
        sent += size;
      }
      await rec.until(() => rec.received >= sent);
      expect(rec.received).toBe(sent);
      // Compared by hand: a deep equality over 2 MiB takes seconds.
      expect(firstDifference(rec.bytes(), pattern(0, sent))).toBe(-1);
      // The core is promised plain Uint8Arrays (no Buffer and its different `slice`).
      for (const chunk of rec.chunks) expect(Object.getPrototypeOf(chunk)).toBe(Uint8Array.prototype);
    });

    test('write backpressure', async () => {
      const total = 16 * MiB;
      const chunk = 64 * 1024;
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let received = 0;
      let intact = true;
      const sink = await server(async (peer) => {
        peer.pause();
        await released;
        peer.on('data', (data: Buffer) => {
          if (intact) intact = Buffer.from(pattern(received, data.length)).equals(data);
          received += data.length;
        });
        peer.resume();
      });
      const socket = await open(sink.port);
      socket.start(new Recorder());
      let accepted = 0;
      let waits = 0;
      const writing = (async () => {
        while (accepted < total) {
          const pending = socket.write(pattern(accepted, chunk));
          accepted += chunk;
          if (pending) {
            waits++;
            await pending;
          }
        }
      })();
      await sleep(300);
      // The peer reads nothing yet: the writer must be stuck on a promise, not buffering 16 MiB.
      const acceptedWhileStalled = accepted;
      expect(waits).toBeGreaterThan(0);
      expect(acceptedWhileStalled).toBeLessThan(total);
      release();
      expect((await settlesWithin(writing, 20_000)).status).toBe('fulfilled');
      await eventually(() => received >= total, 10_000);
      expect(received).toBe(total);
      expect(intact).toBe(true);
    }, 30_000);

    test('pause and resume', async () => {
      const talker = await server();
      const { socket, rec } = await started(talker.port);
      const peer = await talker.peer();
      peer.write('one');
      await rec.until(() => rec.received === 3);
      socket.pause();
      peer.write('two');
      peer.end();
      await sleep(200);
      expect(rec.received).toBe(3);
      expect(rec.ends).toHaveLength(0);
      socket.resume();
      await rec.until(() => rec.ends.length > 0);
      expect(rec.text()).toBe('onetwo');
      expect(rec.ends).toEqual([undefined]);
    });

    test('end on server close', async () => {
      const bye = await server((peer) => peer.end('bye'));
      const { rec } = await started(bye.port);
      await rec.until(() => rec.ends.length > 0);
      await sleep(100);
      expect(rec.text()).toBe('bye');
      expect(rec.ends).toEqual([undefined]);
      expect(rec.dataAfterEnd).toBe(0);
    });

    test('end on reset', async () => {
      const rude = await server((peer) => setTimeout(() => peer.resetAndDestroy(), 20));
      const { rec } = await started(rude.port);
      await rec.until(() => rec.ends.length > 0);
      await sleep(100);
      expect(rec.ends).toHaveLength(1);
      expect(rec.ends[0]).toBeInstanceOf(ConnectionError);
    });

    test('connect refused', async () => {
      const port = await closedPort();
      const result = await settlesWithin(open(port), 3_000);
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(ConnectionError);
      expect((reason as ConnectionError).sent).toBe(false);
    });

    test('abort', async () => {
      const target = await server();
      const early = await settlesWithin(open(target.port, { signal: AbortSignal.abort() }), 1_000);
      expect((early as PromiseRejectedResult).reason).toBeInstanceOf(AbortError);

      const controller = new AbortController();
      const opening = open(target.port, { signal: controller.signal });
      controller.abort(new Error('caller gave up'));
      const late = await settlesWithin(opening, 1_000);
      expect(late.status).toBe('rejected');
      const reason = (late as PromiseRejectedResult).reason as AbortError;
      expect(reason).toBeInstanceOf(AbortError);
      expect((reason.cause as Error).message).toBe('caller gave up');
      // Whatever got through to the server must not be left open.
      await eventually(() => target.open === 0, 2_000);
    });

    test('close flushes', async () => {
      let got = '';
      let peerEnded = false;
      const sink = await server((peer) => {
        peer.on('data', (data: Buffer) => {
          got += data.toString();
        });
        peer.on('end', () => {
          peerEnded = true;
        });
      });
      const { socket, rec } = await started(sink.port);
      socket.write(encode('last words'));
      expect((await settlesWithin(socket.close(2_000), 1_500)).status).toBe('fulfilled');
      await rec.until(() => rec.ends.length > 0, 1_000);
      await eventually(() => peerEnded, 1_000);
      expect(got).toBe('last words');
      expect(peerEnded).toBe(true);
      expect(rec.ends).toHaveLength(1);
    });

    test('close timeout', async () => {
      const deaf = await server((peer) => peer.pause());
      const { socket, rec } = await started(deaf.port);
      // Fill every buffer on the way (kernel, proxy) until a write stays pending.
      let pending: Promise<void> | undefined;
      for (let sent = 0; !pending && sent < 128 * MiB; sent += MiB) {
        const write = socket.write(pattern(0, MiB));
        if (write && (await settlesWithin(write, 100).catch(() => undefined)) === undefined) pending = write;
      }
      expect(pending).toBeDefined();
      const closing = settlesWithin(socket.close(300), 2_000);
      const result = await closing;
      expect(result.status).toBe('fulfilled');
      // A write waiting for drain must settle once the socket is gone; it can never hang.
      expect((await settlesWithin(pending!, 1_000)).status).toBe('rejected');
      await rec.until(() => rec.ends.length > 0, 1_000);
    });

    test('destroy', async () => {
      const echo = await server((peer) => peer.pipe(peer));
      const { socket, rec } = await started(echo.port);
      socket.destroy();
      socket.destroy(new Error('again'));
      await rec.until(() => rec.ends.length > 0, 1_000);
      await sleep(100);
      expect(rec.ends).toHaveLength(1);
      // Writing to or closing a destroyed socket is harmless and never hangs.
      const late = socket.write(encode('too late'));
      if (late) await settlesWithin(late, 1_000);
      expect((await settlesWithin(socket.close(5_000), 500)).status).toBe('fulfilled');

      const second = await started(echo.port);
      const reason = new Error('given reason');
      second.socket.destroy(reason);
      await second.rec.until(() => second.rec.ends.length > 0, 1_000);
      expect(second.rec.ends).toEqual([reason]);
      await eventually(() => echo.open === 0, 2_000);
    });

    describe('tls', () => {
      let certs: TestCertificates;
      let port: number;
      beforeAll(async () => {
        if (options.skip?.tls && options.skip['tls unverified']) return;
        certs = makeCertificates();
        // SSLRequest in, 'S' out, then TLS and echo: the PostgreSQL upgrade dance.
        const upgrader = await server((peer) => {
          peer.once('data', () => {
            peer.write('S');
            const secure = new tls.TLSSocket(peer, { isServer: true, key: certs.key, cert: certs.cert });
            secure.on('error', () => {});
            secure.pipe(secure);
          });
        });
        port = upgrader.port;
      });

      async function upgrade(tlsOptions: { servername: string; rejectUnauthorized: boolean; ca?: string }) {
        const socket = await open(port, { tlsUpgradable: true });
        const plain = new Recorder();
        // The contract: pause inside the data() call that delivered the answer, so no read is in flight.
        socket.start({
          data: (chunk) => {
            socket.pause();
            plain.data(chunk);
          },
          end: (error) => plain.end(error),
        });
        await socket.write(new Uint8Array([0, 0, 0, 8, 4, 210, 22, 47]));
        await plain.until(() => plain.received === 1);
        if (!socket.startTls) throw new Error('adapter has no startTls');
        return { plain, secure: await socket.startTls(tlsOptions) };
      }

      test('tls', async () => {
        const { plain, secure } = await upgrade({
          servername: 'localhost',
          rejectUnauthorized: true,
          ca: certs.ca,
        });
        const rec = new Recorder();
        secure.start(rec);
        await secure.write(encode('hello over tls'));
        await rec.until(() => rec.received === 14);
        expect(rec.text()).toBe('hello over tls');
        // Ciphertext must never reach the plaintext handlers.
        expect(plain.received).toBe(1);
        expect(plain.ends).toHaveLength(0);
        await secure.close(1_000);
        await rec.until(() => rec.ends.length > 0);

        const byIp = await upgrade({ servername: HOST, rejectUnauthorized: true, ca: certs.ca });
        byIp.secure.destroy();
        const wrongCa = upgrade({ servername: 'localhost', rejectUnauthorized: true, ca: certs.otherCa });
        await expect(wrongCa).rejects.toBeInstanceOf(ConnectionError);
      });

      test('tls unverified', async () => {
        // sslmode=require: encrypt, but accept a certificate no trusted CA signed.
        const { secure } = await upgrade({ servername: 'localhost', rejectUnauthorized: false });
        const rec = new Recorder();
        secure.start(rec);
        await secure.write(encode('ping'));
        await rec.until(() => rec.received === 4);
        secure.destroy();
      });
    });
  });
}
