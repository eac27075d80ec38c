/**
 * The runtime-agnostic half of the WebSocket→TCP proxy: it pumps raw bytes between an accepted
 * server-side WebSocket (Workers' WebSocketPair end, Deno's upgradeWebSocket socket, …) and a TCP
 * connection given as Web streams. Binary messages carry PostgreSQL protocol bytes unchanged (Neon's
 * wsproxy convention); each WebSocket is one TCP connection, so a CancelRequest is simply another
 * WebSocket to the same address.
 *
 * Backpressure: TCP→WebSocket reads only as fast as the WebSocket drains (polling `bufferedAmount`
 * where the runtime has it). WebSocket→TCP writes go through the stream writer in order; a WebSocket
 * cannot be paused on these runtimes, so the bytes not yet accepted by TCP are bounded and the bridge
 * fails with 1009 past `maxPendingBytes` rather than grow without limit.
 */

import { pumpReadBatches } from './read-batches.ts';

/** A TCP connection as Web streams, e.g. from `connect()` of `cloudflare:sockets`. */
export interface TcpStreams {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
  close(): Promise<void> | void;
}

/** Dials `host:port`; resolves once connected, rejects if the connection fails. */
export type OpenTcp = (host: string, port: number) => Promise<TcpStreams>;

/** The accepted, server-side WebSocket as Workers/Deno give it. */
export interface ServerWebSocket {
  send(data: ArrayBuffer | Uint8Array): void;
  close(code?: number, reason?: string): void;
  readonly bufferedAmount?: number;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

export interface BridgeOptions {
  /** WebSocket send buffer, in bytes, above which TCP reads wait (where `bufferedAmount` exists). */
  highWaterMark?: number;
  /** Bytes received from the WebSocket but not yet accepted by TCP before the bridge gives up. */
  maxPendingBytes?: number;
  /** TCP reads that arrive together are sent as one message of at most about this many bytes. */
  maxMessageBytes?: number;
}

const NORMAL_CLOSURE = 1000;
const UNSUPPORTED_DATA = 1003;
const MESSAGE_TOO_BIG = 1009;
const INTERNAL_ERROR = 1011;
const DRAIN_POLL_MS = 5;

/** Close reasons are limited to 123 bytes; keep them short and single-line. */
export function closeReason(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
  let reason = text.slice(0, 120);
  while (new TextEncoder().encode(reason).length > 123) reason = reason.slice(0, -1);
  return reason;
}

function safeClose(ws: ServerWebSocket, code: number, reason?: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed or closing.
  }
}

async function toBytes(data: unknown): Promise<Uint8Array | undefined> {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (typeof Blob !== 'undefined' && data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  return undefined;
}

/**
 * Bridges `ws` and `tcp` until either side ends; closing one closes the other. Resolves when both
 * directions are done. Never rejects.
 */
export function bridgeWebSocket(
  ws: ServerWebSocket,
  tcp: TcpStreams,
  options: BridgeOptions = {},
): Promise<void> {
  const highWaterMark = options.highWaterMark ?? 256 * 1024;
  const maxPendingBytes = options.maxPendingBytes ?? 32 * 1024 * 1024;
  const maxBatchBytes = options.maxMessageBytes ?? 64 * 1024;
  const writer = tcp.writable.getWriter();
  const reader = tcp.readable.getReader();
  let done = false;
  let pending = 0;
  /** Keeps writes in message order even when a Blob must be read first. */
  let chain: Promise<void> = Promise.resolve();

  const finish = (code: number, reason?: string) => {
    if (done) return;
    done = true;
    safeClose(ws, code, reason);
    reader.cancel().catch(() => {});
    writer.abort().catch(() => {});
    Promise.resolve()
      .then(() => tcp.close())
      .catch(() => {});
  };

  ws.addEventListener('message', (event) => {
    if (done) return;
    const data = event.data;
    if (typeof data === 'string') return finish(UNSUPPORTED_DATA, 'binary messages only');
    chain = chain.then(async () => {
      if (done) return;
      const bytes = await toBytes(data);
      if (!bytes) return finish(UNSUPPORTED_DATA, 'binary messages only');
      pending += bytes.byteLength;
      if (pending > maxPendingBytes) return finish(MESSAGE_TOO_BIG, 'proxy write buffer full');
      // Not awaited: the writer queues in order; awaiting would serialize on the socket's latency.
      writer.write(bytes).then(
        () => {
          pending -= bytes.byteLength;
        },
        (error: unknown) => finish(INTERNAL_ERROR, closeReason(error)),
      );
    });
  });
  ws.addEventListener('close', () => {
    if (done) return;
    // Deliver what the client sent before closing (a CancelRequest, a Terminate), then end TCP.
    chain = chain
      .then(() => writer.close())
      .catch(() => {})
      .then(() => finish(NORMAL_CLOSURE));
  });
  ws.addEventListener('error', () => finish(INTERNAL_ERROR, 'websocket error'));

  const drained = () =>
    new Promise<void>((resolve) => {
      const poll = () => {
        if (done || (ws.bufferedAmount ?? 0) <= highWaterMark) resolve();
        else setTimeout(poll, DRAIN_POLL_MS);
      };
      poll();
    });

  const pump = (async () => {
    try {
      await pumpReadBatches(
        reader,
        (batch) => {
          ws.send(batch);
          return (ws.bufferedAmount ?? 0) > highWaterMark ? drained() : undefined;
        },
        () => done,
        { maxBatchBytes },
      );
      // The server ended the connection cleanly (e.g. after Terminate or a CancelRequest).
      finish(NORMAL_CLOSURE);
    } catch (error) {
      finish(INTERNAL_ERROR, closeReason(error));
    }
  })();
  return pump;
}
