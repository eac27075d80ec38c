/**
 * The Bun entry: config from `Bun.env` (DATABASE_URL, HAUL_TOKEN, …), sockets from the protocol's
 * Bun adapter, served with `Bun.serve` on PORT (default 8787) and HAUL_HOST (default 127.0.0.1).
 *
 *   bun apps/worker/src/entries/bun.ts
 *
 * GET /v1/ws is the WebSocket→TCP proxy (ws/bun.ts). Bun upgrades through `server.upgrade()` and
 * serve-level `websocket` handlers rather than a Response, so the fetch handler sends GET /v1/ws there
 * before the app sees it (as the Node entry does with its `upgrade` event).
 */
import { connect } from '@haul/protocol/bun';
import { createApp } from '../app.ts';
import type { WorkerRuntime } from '../app-contract.ts';
import { configFromEnv } from '../config.ts';
import { type BunUpgrader, type BunWebSocketHandlers, bunWsProxy } from '../ws/bun.ts';

/** The part of the `Bun` global used here, declared locally so the workspace typechecks without bun-types. */
interface BunGlobal {
  env: Record<string, string | undefined>;
  serve(options: {
    port: number;
    hostname: string;
    /** Seconds a request may stay idle; 0 disables it (loads and exports can be long and quiet). */
    idleTimeout?: number;
    fetch: (request: Request, server: BunUpgrader) => Response | undefined | Promise<Response | undefined>;
    websocket: BunWebSocketHandlers;
  }): { url: URL; stop(closeActiveConnections?: boolean): Promise<void> };
}

const Bun = (globalThis as unknown as { Bun: BunGlobal }).Bun;

const DEFAULT_PORT = 8787;

export interface BunServeOptions {
  /** Configuration (DATABASE_URL, HAUL_TOKEN, PORT, HAUL_HOST, …); default `Bun.env`. */
  env?: Record<string, string | undefined>;
}

/** Serves the worker with `Bun.serve`; `stop()` stops it. For a program of your own. */
export function serve(options: BunServeOptions = {}): {
  url: URL;
  stop(closeActiveConnections?: boolean): Promise<void>;
} {
  const env = options.env ?? Bun.env;
  const config = configFromEnv(env);
  const runtime: WorkerRuntime = { name: 'bun', connect };
  const app = createApp(config, runtime);
  const port = env['PORT'] ? Number(env['PORT']) : DEFAULT_PORT;
  const hostname = env['HAUL_HOST'] || '127.0.0.1';
  const wsProxy = bunWsProxy(config);
  return Bun.serve({
    port,
    hostname,
    idleTimeout: 0,
    fetch: (request, upgrader) =>
      wsProxy.handles(request) ? wsProxy.upgrade(request, upgrader) : app.fetch(request),
    websocket: wsProxy.websocket,
  });
}

/** Run as a program (`bun …/bun.ts`): stops on SIGINT/SIGTERM. */
function main(): void {
  const server = serve();
  console.log(`haul worker listening on ${server.url.origin} (runtime: bun)`);
  const stop = () => {
    server.stop(true).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Imported as a library (@haul/worker/bun), nothing starts until `serve()` is called.
if ((import.meta as ImportMeta & { main?: boolean }).main) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
