/**
 * The Node entry: createApp served with @hono/node-server, the WebSocket proxy on the same port, and
 * optionally a directory of static files at / (the playground's build). Everything comes in as
 * options or env: a database URL (DATABASE_URL), a token (HAUL_TOKEN), PORT, HAUL_HOST and
 * HAUL_ASSETS_DIR. It starts no database and builds nothing; `pnpm start` (tools/dev-start.ts) does
 * that and then calls startNodeServer.
 *
 *   DATABASE_URL=postgres://… HAUL_TOKEN=… tsx apps/worker/src/entries/node.ts
 */

import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connect } from '@haul/protocol/node';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { createApp } from '../app.ts';
import type { WorkerConfig, WorkerRuntime } from '../app-contract.ts';
import { configFromEnv } from '../config.ts';
import { attachWsProxy } from './node-ws.ts';

export interface NodeServerOptions {
  /** The database every endpoint uses. Default: DATABASE_URL from `env`. */
  databaseUrl?: string;
  /** TCP port; 0 picks a free one. Default: PORT from `env`, else 8787. */
  port?: number;
  /** Interface to listen on. Default: HAUL_HOST from `env`, else 127.0.0.1. */
  hostname?: string;
  /** Environment to read the rest of the configuration from (HAUL_TOKEN, HAUL_MAX_SHARDS, …); default process.env. */
  env?: Record<string, string | undefined>;
  /**
   * Directory of static files served at / without auth (never over /v1 or /healthz), e.g. the
   * playground's built page. Default: HAUL_ASSETS_DIR from `env`, else none.
   */
  assetsDir?: string;
}

export interface NodeServer {
  /** `http://host:port`, the base URL of the API. */
  url: string;
  token: string;
  databaseUrl: string;
  config: WorkerConfig;
  /** Stops the server, dropping open connections and WebSocket bridges. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_PORT = 8787;

export async function startNodeServer(options: NodeServerOptions = {}): Promise<NodeServer> {
  const env = options.env ?? process.env;
  const config = configFromEnv(
    options.databaseUrl === undefined ? env : { ...env, DATABASE_URL: options.databaseUrl },
  );
  const runtime: WorkerRuntime = { name: 'node', connect };
  const assetsDir = options.assetsDir ?? (env['HAUL_ASSETS_DIR'] || undefined);
  if (assetsDir) runtime.staticAssets = staticFiles(assetsDir);
  const app = createApp(config, runtime);
  const port = options.port ?? (env['PORT'] ? Number(env['PORT']) : DEFAULT_PORT);
  const hostname = options.hostname ?? (env['HAUL_HOST'] || '127.0.0.1');

  const { server, address } = await new Promise<{ server: http.Server; address: AddressInfo }>(
    (resolve, reject) => {
      // Plain HTTP/1.1 (no http2 options given), so this is an http.Server.
      const server = serve({ fetch: app.fetch, port, hostname }, (info) =>
        resolve({ server, address: info }),
      ) as http.Server;
      server.once('error', reject);
    },
  );
  const proxy = attachWsProxy(server, config);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      proxy.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })();
    return closing;
  };
  return {
    url: `http://${host}:${address.port}`,
    token: config.token,
    databaseUrl: config.databaseUrl,
    config,
    close,
  };
}

/**
 * The files under `root`. index.html is revalidated on every load (it names the current build's
 * assets); the hashed files under assets/ never change, so browsers may keep them.
 */
function staticFiles(root: string): MiddlewareHandler {
  return serveStatic({
    root,
    onFound: (path, c) => {
      c.header(
        'Cache-Control',
        path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}

/** Run as a program: config from process.env only, stops on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const server = await startNodeServer();
  console.log(`haul worker listening on ${server.url} (runtime: node)`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
