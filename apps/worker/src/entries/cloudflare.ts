/**
 * The Cloudflare Workers entry: config from env/secrets (DATABASE_URL, HAUL_TOKEN, …), sockets from
 * `cloudflare:sockets` through the protocol's Cloudflare adapter, and GET /v1/ws via WebSocketPair.
 *
 * Workers allow 6 open connections per request, so a load's shards are capped at 5, leaving one for
 * the response path.
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

/** The Workers flavour of the config: the shard cap applied on top of whatever env asks for. */
function workersConfig(env: Env): WorkerConfig {
  const config = configFromEnv(env as Record<string, string | undefined>);
  return { ...config, maxShards: Math.min(config.maxShards, WORKERS_MAX_SHARDS) };
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
