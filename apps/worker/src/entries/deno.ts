/**
 * The Deno entry: config from `Deno.env` (DATABASE_URL, HAUL_TOKEN, …), sockets from the protocol's
 * Deno adapter, served with `Deno.serve` on PORT (default 8787) and HAUL_HOST (default 127.0.0.1).
 *
 *   deno run --allow-net --allow-env --allow-read apps/worker/src/entries/deno.ts
 *
 * Bare specifiers (hono, @haul/protocol, …) resolve through the workspace's node_modules, which
 * Deno 2 uses as is when it finds a package.json (run `pnpm install` first).
 *
 * GET /v1/ws is the WebSocket→TCP proxy (ws/deno.ts): `Deno.upgradeWebSocket` answers from inside the
 * fetch handler, so it goes through the app like on Workers.
 */
import { connect } from '@haul/protocol/deno';
import { createApp } from '../app.ts';
import type { WorkerRuntime } from '../app-contract.ts';
import { configFromEnv } from '../config.ts';
import { denoWsProxy } from '../ws/deno.ts';

/** The part of the `Deno` global used here, declared locally so the workspace typechecks without Deno's types. */
interface DenoGlobal {
  env: { toObject(): Record<string, string> };
  serve(
    options: {
      port: number;
      hostname: string;
      onListen?: (address: { hostname: string; port: number }) => void;
    },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  exit(code: number): never;
}

const Deno = (globalThis as unknown as { Deno: DenoGlobal }).Deno;

const DEFAULT_PORT = 8787;

export interface DenoServeOptions {
  /** Configuration (DATABASE_URL, HAUL_TOKEN, PORT, HAUL_HOST, …); default `Deno.env`. */
  env?: Record<string, string>;
  onListen?: (url: string) => void;
}

/** Serves the worker with `Deno.serve`; `shutdown()` stops it. For a program of your own. */
export function serve(options: DenoServeOptions = {}): {
  finished: Promise<void>;
  shutdown(): Promise<void>;
} {
  const env = options.env ?? Deno.env.toObject();
  const config = configFromEnv(env);
  const runtime: WorkerRuntime = { name: 'deno', connect, webSocketProxy: denoWsProxy(config) };
  const app = createApp(config, runtime);
  const port = env['PORT'] ? Number(env['PORT']) : DEFAULT_PORT;
  const hostname = env['HAUL_HOST'] || '127.0.0.1';
  return Deno.serve(
    {
      port,
      hostname,
      onListen: (address) => {
        const host = address.hostname.includes(':') ? `[${address.hostname}]` : address.hostname;
        options.onListen?.(`http://${host}:${address.port}`);
      },
    },
    (request) => app.fetch(request),
  );
}

/** Run as a program (`deno run …/deno.ts`): stops on SIGINT/SIGTERM. */
function main(): void {
  const server = serve({ onListen: (url) => console.log(`haul worker listening on ${url} (runtime: deno)`) });
  const stop = () => {
    server.shutdown().then(
      () => Deno.exit(0),
      () => Deno.exit(1),
    );
  };
  Deno.addSignalListener('SIGINT', stop);
  Deno.addSignalListener('SIGTERM', stop);
}

// Imported as a library (@haul/worker/deno), nothing starts until `serve()` is called.
if ((import.meta as ImportMeta & { main?: boolean }).main) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    Deno.exit(1);
  }
}
