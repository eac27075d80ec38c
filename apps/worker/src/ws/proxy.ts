/**
 * GET /v1/ws?address=host:port — the WebSocket→TCP proxy as a Hono handler, for runtimes whose
 * upgrade produces a Response (Workers, Deno). Admission (token, address, allow-list) and the
 * handshake's checks (handshake.ts) happen before the upgrade and before any TCP connect; the TCP connection is dialled before answering 101, so an
 * unreachable server fails the handshake with 502 instead of opening and closing at once.
 *
 * Node cannot upgrade from a fetch handler; entries/node-ws.ts attaches the same admission to the
 * http server's `upgrade` event instead.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { WorkerConfig } from '../app-contract.ts';
import { admitWsRequest } from './admission.ts';
import { bridgeWebSocket, closeReason, type OpenTcp, type ServerWebSocket } from './bridge.ts';
import { handshakeRefusal } from './handshake.ts';

/** A runtime's upgrade: the accepted server-side socket and the 101 response to return. */
export type UpgradeWebSocket = (
  c: Context,
  protocol: string | undefined,
) => { socket: ServerWebSocket; response: Response };

export interface WsProxyOptions {
  openTcp: OpenTcp;
  upgrade: UpgradeWebSocket;
  /** Called with each bridge's completion (e.g. `ctx.waitUntil`). */
  track?: (done: Promise<void>) => void;
}

export function createWsProxy(
  config: Pick<WorkerConfig, 'token' | 'allowedHosts'>,
  options: WsProxyOptions,
): MiddlewareHandler {
  return async (c) => {
    const admission = admitWsRequest(new URL(c.req.url), c.req.header('sec-websocket-protocol'), config);
    if (!admission.ok) return c.json({ error: { message: admission.message } }, admission.status);
    // Before the dial: a handshake the runtime's upgrade would refuse must not cost a TCP connection.
    const refusal = handshakeRefusal(c.req.method, (name) => c.req.header(name));
    if (refusal) return c.json({ error: { message: refusal.message } }, refusal.status, refusal.headers);
    let tcp: Awaited<ReturnType<OpenTcp>>;
    try {
      tcp = await options.openTcp(admission.host, admission.port);
    } catch (error) {
      return c.json(
        {
          error: {
            message: `could not connect to ${admission.host}:${admission.port}: ${closeReason(error)}`,
          },
        },
        502,
      );
    }
    let upgraded: ReturnType<UpgradeWebSocket>;
    try {
      upgraded = options.upgrade(c, admission.protocol);
    } catch (error) {
      Promise.resolve(tcp.close()).catch(() => {});
      throw error;
    }
    const done = bridgeWebSocket(upgraded.socket, tcp);
    options.track?.(done);
    return upgraded.response;
  };
}
