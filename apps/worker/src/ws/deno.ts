/**
 * The Deno flavour of the proxy's runtime shims: the upgrade via `Deno.upgradeWebSocket`, and TCP via
 * `Deno.connect`. Deno's server-side socket is a standard WebSocket and its connections are Web
 * streams, so both fit bridge.ts as they are. Imported only by the Deno entry.
 */
import type { MiddlewareHandler } from 'hono';
import type { WorkerConfig } from '../app-contract.ts';
import type { OpenTcp, ServerWebSocket } from './bridge.ts';
import { createWsProxy, type UpgradeWebSocket } from './proxy.ts';

/** The part of the `Deno` global used here, declared locally so the workspace typechecks without Deno's types. */
interface DenoWsApi {
  upgradeWebSocket(
    request: Request,
    options?: { protocol?: string },
  ): { socket: ServerWebSocket & { binaryType: string }; response: Response };
  connect(options: { hostname: string; port: number }): Promise<{
    readable: ReadableStream<Uint8Array>;
    writable: WritableStream<Uint8Array>;
    close(): void;
    setNoDelay(noDelay?: boolean): void;
  }>;
}

const deno = (globalThis as unknown as { Deno: DenoWsApi }).Deno;

/**
 * Deno splits the offered subprotocols on ", " exactly and refuses to echo one it did not find that
 * way, but clients may join them with a bare "," (the `ws` package does), and request headers are
 * immutable. So only in that case the request is shown to Deno through a proxy whose `headers` are
 * normalised; everything else (the connection to upgrade) is the original request's.
 */
function withNormalisedProtocols(request: Request): Request {
  const offered = request.headers.get('sec-websocket-protocol');
  if (!offered || !/,(?! )/.test(offered)) return request;
  const headers = new Headers(request.headers);
  headers.set(
    'sec-websocket-protocol',
    offered
      .split(',')
      .map((p) => p.trim())
      .join(', '),
  );
  return new Proxy(request, {
    get: (target, key) => (key === 'headers' ? headers : Reflect.get(target, key)),
  });
}

export const denoUpgrade: UpgradeWebSocket = (c, protocol) => {
  const request = protocol ? withNormalisedProtocols(c.req.raw) : c.req.raw;
  const { socket, response } = deno.upgradeWebSocket(request, protocol ? { protocol } : {});
  // Blobs would cost an extra async read per message in the bridge.
  socket.binaryType = 'arraybuffer';
  return { socket, response };
};

export const denoOpenTcp: OpenTcp = async (hostname, port) => {
  const conn = await deno.connect({ hostname, port });
  // PostgreSQL messages are small and latency-bound (a Sync, a CancelRequest): no Nagle delay.
  conn.setNoDelay(true);
  return { readable: conn.readable, writable: conn.writable, close: () => conn.close() };
};

/** GET /v1/ws on Deno. */
export function denoWsProxy(config: Pick<WorkerConfig, 'token' | 'allowedHosts'>): MiddlewareHandler {
  return createWsProxy(config, { openTcp: denoOpenTcp, upgrade: denoUpgrade });
}
