/**
 * What the Hono app needs from its runtime and its deployment. Entries (entries/node.ts,
 * entries/cloudflare.ts, …) build these and hand over `createApp(config, runtime).fetch`.
 */
import type { Connection, ConnectOptions } from '@haul/protocol';
import type { MiddlewareHandler } from 'hono';

export interface WorkerConfig {
  /** The database the endpoints use (load/export/sql/tables). */
  databaseUrl: string;
  /**
   * Where short queries (/v1/sql, /v1/tables) connect instead, when set: a Hyperdrive binding's
   * connection string on Workers (pooled, close to the database). Loads, exports and /v1/ws always use
   * `databaseUrl`, since Hyperdrive ends statements after 60 s and a bulk COPY runs longer.
   */
  queryDatabaseUrl?: string;
  /** Bearer token every route but /healthz requires (and /v1/ws, as a query parameter or subprotocol). */
  token: string;
  /** host:port pairs the WebSocket proxy may reach; default: only the database's. */
  allowedHosts: readonly string[];
  /** Origin allowed by CORS (the playground's); none when unset. */
  corsOrigin?: string;
  /** Cap on a load's shards (Workers: 5, leaving one socket for the response path). */
  maxShards: number;
  /** Largest request body accepted, in bytes (load uploads included), as sent (gzip counts compressed). */
  maxBodyBytes: number;
  /** Largest upload a load reads after decompression; default: `maxBodyBytes`. */
  maxInputBytes?: number;
  /** Longest source row a load accepts, in bytes; default: the loader's (64 MiB). */
  maxRowBytes?: number;
  /** Milliseconds a load may wait on a server that makes no progress; default: the loader's (60 s). */
  stallTimeoutMs?: number;
  /** Milliseconds a request may run (loads included) before it is aborted and rolled back. */
  requestTimeoutMs: number;
  /** Largest JSON request body (/v1/sql), in bytes: it is read whole before it is parsed. */
  sqlMaxBodyBytes: number;
  /** Most rows one /v1/sql request returns, all its statements together. */
  sqlMaxRows: number;
  /** Most bytes of row data (as the server sent them) one /v1/sql request returns. */
  sqlMaxBytes: number;
}

export interface WorkerRuntime {
  /** Opens a PostgreSQL connection with this runtime's socket adapter. */
  connect: (options: string | ConnectOptions) => Promise<Connection>;
  /** The GET /v1/ws handler for this runtime (WebSocket → TCP proxy), if it has one. */
  webSocketProxy?: MiddlewareHandler;
  /** A name for /healthz: 'node', 'workerd', 'deno', 'bun'. */
  name: string;
  /**
   * Serves the playground's built files (apps/playground/dist) for GET/HEAD requests outside /v1 and
   * /healthz, without auth (the page holds no secrets; the API it calls keeps its bearer auth). Calls
   * `next()` for a path it has no file for. Node: @hono/node-server's serveStatic. Workers: wrangler's
   * `assets` serve the page before the Worker runs, so the entry leaves this unset.
   */
  staticAssets?: MiddlewareHandler;
}
