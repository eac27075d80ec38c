/**
 * The Bun entry: config from `Bun.env` (DATABASE_URL, HAUL_TOKEN, …), sockets from the protocol's
 * Bun adapter, served with `Bun.serve` on PORT (default 8787) and HAUL_HOST (default 127.0.0.1).
 *
 *   bun apps/worker/src/entries/bun.ts
 *
 * No WebSocket proxy here: `webSocketProxy` is left unset, so GET /v1/ws answers 404 on Bun (the
 * Node and Workers entries have one).
 */
import { connect } from '@haul/protocol/bun';
import { createApp } from '../app.ts';
import type { WorkerRuntime } from '../app-contract.ts';
import { configFromEnv } from '../config.ts';

/** The part of the `Bun` global used here, declared locally so the workspace typechecks without bun-types. */
interface BunGlobal {
  env: Record<string, string | undefined>;
  serve(options: {
    port: number;
    hostname: string;
    /** Seconds a request may stay idle; 0 disables it (loads and exports can be long and quiet). */
    idleTimeout?: number;
    fetch: (request: Request) => Response | Promise<Response>;
  }): { url: URL; stop(closeActiveConnections?: boolean): Promise<void> };
}

const Bun = (globalThis as unknown as { Bun: BunGlobal }).Bun;

const DEFAULT_PORT = 8787;

function main(): void {
  const env = Bun.env;
  const config = configFromEnv(env);
  // No webSocketProxy: the WebSocket → TCP proxy is not implemented for Bun.
  const runtime: WorkerRuntime = { name: 'bun', connect };
  const app = createApp(config, runtime);
  const port = env['PORT'] ? Number(env['PORT']) : DEFAULT_PORT;
  const hostname = env['HAUL_HOST'] || '127.0.0.1';

  const server = Bun.serve({ port, hostname, idleTimeout: 0, fetch: (request) => app.fetch(request) });
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

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
