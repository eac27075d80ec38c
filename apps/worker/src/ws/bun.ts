/**
 * The Bun flavour of GET /v1/ws. `Bun.serve` upgrades with `server.upgrade()` from the fetch handler
 * and then reports every socket's events to serve-level `websocket` handlers, so this file adapts
 * both ends to bridge.ts instead of pumping bytes itself: each Bun ServerWebSocket gets a small
 * event-emitter shim, and the TCP side (the protocol's Bun.connect socket, whose `write` reports
 * backpressure exactly) is exposed as Web streams.
 *
 * Backpressure: TCP→WebSocket, the readable pauses the TCP socket once 256 KiB sit unread and the
 * bridge stops reading while the WebSocket's `getBufferedAmount()` is above its mark. WebSocket→TCP,
 * a TCP write that must wait for `drain` pauses the WebSocket (Bun stops reading it) until the bytes
 * are out, so the bridge's pending-bytes cap is only a backstop.
 *
 * Admission is the shared routes/ws-auth.ts and the handshake's checks routes/ws-handshake.ts, before
 * the upgrade and before any TCP connect; TCP is dialled before the upgrade, so an unreachable server
 * answers 502.
 */
import type { ByteSocket } from '@haul/protocol';
import { bunSocket } from '@haul/protocol/bun';
import type { WorkerConfig } from '../app-contract.ts';
import { admitWsRequest } from './admission.ts';
import { bridgeWebSocket, closeReason, type ServerWebSocket, type TcpStreams } from './bridge.ts';
import { handshakeRefusal } from './handshake.ts';

/** The part of Bun's ServerWebSocket used here (declared locally: no bun-types in the workspace). */
export interface BunServerWebSocket {
  readonly data: BunWsLink;
  /** Bytes sent, -1 when queued behind backpressure, 0 when dropped. */
  send(data: Uint8Array | ArrayBuffer): number;
  close(code?: number, reason?: string): void;
  getBufferedAmount(): number;
  pause?(): void;
  resume?(): void;
}

/** What the fetch handler needs of Bun's `Server`. */
export interface BunUpgrader {
  upgrade(request: Request, options: { data: BunWsLink; headers?: Record<string, string> }): boolean;
}

/** Pass as `Bun.serve({ websocket })`. */
export interface BunWebSocketHandlers {
  open(ws: BunServerWebSocket): void;
  message(ws: BunServerWebSocket, message: string | Uint8Array): void;
  close(ws: BunServerWebSocket, code: number, reason: string): void;
}

export interface BunWsProxy {
  /** Whether `request` is for the proxy (GET on its path); others go to the app. */
  handles(request: Request): boolean;
  /** Admits, dials and upgrades; undefined once upgraded (what Bun's fetch must return then). */
  upgrade(request: Request, server: BunUpgrader): Promise<Response | undefined>;
  websocket: BunWebSocketHandlers;
}

/** TCP bytes read ahead of the bridge before the TCP socket is paused. */
const READ_HIGH_WATER_MARK = 256 * 1024;

type MessageListener = (event: { data: unknown }) => void;
type CloseListener = (event: { code: number; reason: string }) => void;

/** One upgraded request: its TCP socket, and the WebSocket once Bun opens it. */
export class BunWsLink implements ServerWebSocket {
  readonly tcp: TcpStreams;
  #ws: BunServerWebSocket | undefined;
  #onMessage: MessageListener[] = [];
  #onClose: CloseListener[] = [];

  constructor(socket: ByteSocket) {
    this.tcp = tcpStreams(socket, this);
  }

  open(ws: BunServerWebSocket): void {
    this.#ws = ws;
    bridgeWebSocket(this, this.tcp);
  }

  message(data: string | Uint8Array): void {
    for (const listener of this.#onMessage) listener({ data });
  }

  closed(code: number, reason: string): void {
    // Closed before Bun opened it: there is no bridge to end the TCP side.
    if (!this.#ws) Promise.resolve(this.tcp.close()).catch(() => {});
    for (const listener of this.#onClose) listener({ code, reason });
  }

  send(data: ArrayBuffer | Uint8Array): void {
    // Thrown inside the bridge's pump, which then closes both sides with 1011.
    if (this.#ws?.send(data) === 0) throw new Error('websocket send dropped');
  }

  close(code?: number, reason?: string): void {
    this.#ws?.close(code, reason);
  }

  get bufferedAmount(): number {
    return this.#ws?.getBufferedAmount() ?? 0;
  }

  /** Bun has no per-socket `error` event (a failure arrives as `close`), so only these two are kept. */
  addEventListener(type: 'message' | 'close' | 'error', listener: (event: never) => void): void {
    if (type === 'message') this.#onMessage.push(listener as MessageListener);
    else if (type === 'close') this.#onClose.push(listener as CloseListener);
  }

  /** Stops reading the WebSocket while TCP is backpressured (where this Bun has pause/resume). */
  hold(paused: boolean): void {
    try {
      if (paused) this.#ws?.pause?.();
      else this.#ws?.resume?.();
    } catch {
      // Already closed.
    }
  }
}

function tcpStreams(socket: ByteSocket, link: BunWsLink): TcpStreams {
  let paused = false;
  const readable = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        socket.start({
          data(chunk) {
            try {
              controller.enqueue(chunk);
            } catch {
              // Cancelled: destroy() may still flush reads it held back.
              return;
            }
            if (!paused && (controller.desiredSize ?? 1) <= 0) {
              paused = true;
              socket.pause();
            }
          },
          end(error) {
            try {
              if (error) controller.error(error);
              else controller.close();
            } catch {
              // Cancelled by the bridge already.
            }
          },
        });
      },
      pull() {
        if (!paused) return;
        paused = false;
        socket.resume();
      },
      cancel() {
        socket.destroy();
      },
    },
    { highWaterMark: READ_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
  );
  const writable = new WritableStream<Uint8Array>({
    write(chunk) {
      const drained = socket.write(chunk);
      if (!drained) return;
      link.hold(true);
      return drained.finally(() => link.hold(false));
    },
    close: () => socket.close(),
    abort() {
      socket.destroy();
    },
  });
  return { readable, writable, close: () => socket.destroy() };
}

function jsonResponse(status: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { message } }, { status, headers });
}

/**
 * The Bun proxy: route GET `path` (default /v1/ws) to `upgrade` in `Bun.serve`'s fetch, before the
 * app, and pass `websocket` to `Bun.serve`.
 */
export function bunWsProxy(
  config: Pick<WorkerConfig, 'token' | 'allowedHosts'>,
  options: { path?: string } = {},
): BunWsProxy {
  const path = options.path ?? '/v1/ws';
  return {
    handles: (request) => request.method === 'GET' && new URL(request.url).pathname === path,
    async upgrade(request, server) {
      const protocolHeader = request.headers.get('sec-websocket-protocol');
      const admission = admitWsRequest(new URL(request.url), protocolHeader, config);
      if (!admission.ok) return jsonResponse(admission.status, admission.message);
      // Before the dial: a handshake Bun's upgrade would refuse must not cost a TCP connection.
      const refusal = handshakeRefusal(request.method, (name) => request.headers.get(name));
      if (refusal) return jsonResponse(refusal.status, refusal.message, refusal.headers);
      let socket: ByteSocket;
      try {
        socket = await bunSocket({ host: admission.host, port: admission.port, tlsUpgradable: false });
      } catch (error) {
        const where = `${admission.host}:${admission.port}`;
        return jsonResponse(502, `could not connect to ${where}: ${closeReason(error)}`);
      }
      // Browsers fail the handshake unless the subprotocol they authenticated with is echoed.
      const headers: Record<string, string> = admission.protocol
        ? { 'Sec-WebSocket-Protocol': admission.protocol }
        : {};
      if (server.upgrade(request, { data: new BunWsLink(socket), headers })) return undefined;
      socket.destroy();
      return jsonResponse(400, 'WebSocket upgrade failed');
    },
    websocket: {
      open: (ws) => ws.data.open(ws),
      message: (ws, message) => ws.data.message(message),
      close: (ws, code, reason) => ws.data.closed(code, reason),
    },
  };
}
