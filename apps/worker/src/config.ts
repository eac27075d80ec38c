/**
 * WorkerConfig from environment variables (process.env on Node, the Worker's `env` bindings on
 * Cloudflare). Runtime-agnostic: takes a plain record, so every entry can pass what it has.
 */
import type { WorkerConfig } from './app-contract.ts';

export const DEFAULT_MAX_SHARDS = 8;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 15 * 60 * 1000;
/**
 * /v1/sql holds a request's body, its rows and their JSON in memory at once, so these are small enough
 * for a Workers isolate (128 MB); big reads belong to /export, big writes to /load.
 */
export const DEFAULT_SQL_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_SQL_MAX_ROWS = 100_000;
export const DEFAULT_SQL_MAX_BYTES = 16 * 1024 * 1024;

/** What hono's bearer-auth accepts as a token (RFC 6750 b64token); anything else could never match. */
const TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]+=*$/;

/** A configuration problem, naming the variable at fault. */
export class WorkerConfigError extends Error {
  override name = 'WorkerConfigError';
}

export function configFromEnv(env: Record<string, string | undefined>): WorkerConfig {
  const databaseUrl = required(env, 'DATABASE_URL');
  const token = required(env, 'HAUL_TOKEN');
  if (!TOKEN_PATTERN.test(token)) {
    throw new WorkerConfigError(
      'HAUL_TOKEN may only contain letters, digits and . _ ~ + / - (then = padding), as a bearer token must',
    );
  }
  const allowedHosts = list(env['HAUL_ALLOWED_HOSTS']);
  const config: WorkerConfig = {
    databaseUrl,
    token,
    allowedHosts: allowedHosts.length > 0 ? allowedHosts : [databaseHostPort(databaseUrl)],
    maxShards: positiveInt(env, 'HAUL_MAX_SHARDS', DEFAULT_MAX_SHARDS),
    maxBodyBytes: positiveInt(env, 'HAUL_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES),
    requestTimeoutMs: positiveInt(env, 'HAUL_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS),
    sqlMaxBodyBytes: positiveInt(env, 'HAUL_SQL_MAX_BODY_BYTES', DEFAULT_SQL_MAX_BODY_BYTES),
    // The server is asked for one row past it, in Execute's int32 row count.
    sqlMaxRows: positiveInt(env, 'HAUL_SQL_MAX_ROWS', DEFAULT_SQL_MAX_ROWS, 2 ** 31 - 2),
    sqlMaxBytes: positiveInt(env, 'HAUL_SQL_MAX_BYTES', DEFAULT_SQL_MAX_BYTES),
  };
  const maxInputBytes = optionalPositiveInt(env, 'HAUL_MAX_INPUT_BYTES');
  if (maxInputBytes !== undefined) config.maxInputBytes = maxInputBytes;
  const maxRowBytes = optionalPositiveInt(env, 'HAUL_MAX_ROW_BYTES');
  if (maxRowBytes !== undefined) config.maxRowBytes = maxRowBytes;
  const stallTimeoutMs = optionalPositiveInt(env, 'HAUL_STALL_TIMEOUT_MS');
  if (stallTimeoutMs !== undefined) config.stallTimeoutMs = stallTimeoutMs;
  const cors = env['HAUL_CORS_ORIGIN']?.trim();
  if (cors) config.corsOrigin = cors;
  return config;
}

/** `host:port` of a postgres:// URL (port 5432 when absent), the proxy's default allow-list entry. */
export function databaseHostPort(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new WorkerConfigError('DATABASE_URL is not a valid URL (expected postgres://user@host:port/db)');
  }
  if (!url.hostname) throw new WorkerConfigError('DATABASE_URL has no host');
  return `${url.hostname}:${url.port || '5432'}`;
}

function required(env: Record<string, string | undefined>, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new WorkerConfigError(`${name} is not set: the worker needs it to start`);
  return value;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function optionalPositiveInt(env: Record<string, string | undefined>, name: string): number | undefined {
  return env[name]?.trim() ? positiveInt(env, name, 0) : undefined;
}

function positiveInt(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  most = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new WorkerConfigError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  if (value > most) throw new WorkerConfigError(`${name} must be at most ${most}, got ${raw}`);
  return value;
}
