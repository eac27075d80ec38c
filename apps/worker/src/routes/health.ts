/** GET /healthz: unauthenticated liveness, naming the runtime (node, workerd, …). It does not touch the database. */
import type { Hono } from 'hono';
import type { AppEnv, RouteDeps } from '../app-env.ts';
import type { HealthResponse } from '../contract.ts';

export function healthRoutes(app: Hono<AppEnv>, { runtime }: RouteDeps): void {
  app.get('/healthz', (c) => c.json({ ok: true, runtime: runtime.name } satisfies HealthResponse));
}
