/**
 * GET /v1/database: where the browser's protocol client should connect through /v1/ws, and as whom.
 * The token holder can already run any SQL through /v1/sql as this user, so handing over the same
 * credentials grants nothing new; it lets the page speak the wire protocol itself (pipelined, typed).
 */
import { resolveConfig } from '@haul/protocol';
import type { Hono } from 'hono';
import type { AppEnv, RouteDeps } from '../app-env.ts';
import { databaseHostPort } from '../config.ts';
import type { DatabaseInfo } from '../contract.ts';

export function databaseInfo(
  databaseUrl: string,
  allowedHosts: readonly string[],
  maxShards: number,
): DatabaseInfo {
  const resolved = resolveConfig(databaseUrl);
  // The same spelling the allow-list defaults to, so `proxied` compares like with like.
  const address = databaseHostPort(databaseUrl);
  const info: DatabaseInfo = {
    address,
    database: resolved.database,
    user: resolved.user,
    proxied: allowedHosts.includes(address),
    maxShards,
  };
  if (typeof resolved.password === 'string') info.password = resolved.password;
  return info;
}

export function databaseRoutes(app: Hono<AppEnv>, { config }: RouteDeps): void {
  app.get('/v1/database', (c) =>
    c.json(databaseInfo(config.databaseUrl, config.allowedHosts, config.maxShards)),
  );
}
