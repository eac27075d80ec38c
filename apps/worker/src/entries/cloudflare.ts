/**
 * The Cloudflare Workers entry: config from env/secrets (DATABASE_URL, HAUL_TOKEN, …), sockets from
 * `cloudflare:sockets` through the protocol's Cloudflare adapter, and GET /v1/ws via WebSocketPair.
 *
 * Workers allow 6 open connections per request, so a load's shards are capped at 5, leaving one for
 * the response path. An optional Hyperdrive binding named HYPERDRIVE carries the short queries
 * (/v1/sql, /v1/tables); bulk COPY goes direct, since Hyperdrive ends statements after 60 s.
 *
 * A Workers module may export only handlers, so nothing but the default export leaves this file.
 */
import { connect } from '@haul/protocol/cloudflare';
import { createApp } from '../app.ts';
import type { WorkerConfig, WorkerRuntime } from '../app-contract.ts';
import { configFromEnv } from '../config.ts';
import { workersWsProxy } from '../ws/workers.ts';

/** Shards a load may use on Workers: 6 sockets per request, one kept for the response path. */
const WORKERS_MAX_SHARDS = 5;

type Env = Record<string, unknown>;
type App = ReturnType<typeof createApp>;

/** A Hyperdrive binding, as much of it as is used here. */
interface HyperdriveBinding {
  connectionString: string;
}

function isHyperdrive(value: unknown): value is HyperdriveBinding {
  return typeof (value as HyperdriveBinding | undefined)?.connectionString === 'string';
}

/**
 * The Workers flavour of the config: the shard cap applied on top of whatever env asks for, and short
 * queries through the `HYPERDRIVE` binding when there is one.
 */
function workersConfig(env: Env): WorkerConfig {
  const config = configFromEnv(env as Record<string, string | undefined>);
  const workers: WorkerConfig = { ...config, maxShards: Math.min(config.maxShards, WORKERS_MAX_SHARDS) };
  const hyperdrive = env['HYPERDRIVE'];
  if (isHyperdrive(hyperdrive)) workers.queryDatabaseUrl = hyperdrive.connectionString;
  return workers;
}

let cached: { env: Env; app: App } | undefined;

function appFor(env: Env): App {
  // env is fixed for an isolate's lifetime; build the app once.
  if (cached?.env === env) return cached.app;
  const config = workersConfig(env);
  const runtime: WorkerRuntime = { name: 'workerd', connect, webSocketProxy: workersWsProxy(config) };
  const app = createApp(config, runtime);
  cached = { env, app };
  return app;
}

export default {
  fetch(request: Request, env: Env, ctx: unknown): Response | Promise<Response> {
    return appFor(env).fetch(request, env, ctx as never);
  },
};
