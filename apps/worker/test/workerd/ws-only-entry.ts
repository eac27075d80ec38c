/**
 * A minimal Workers entry with only the WebSocket proxy mounted, so the proxy's Workers flavour is
 * tested under workerd on its own (the full entry is src/entries/cloudflare.ts).
 */
import { Hono } from 'hono';
import { workersWsProxy } from '../../src/ws/workers.ts';

interface Env {
  HAUL_TOKEN: string;
  ALLOWED_HOSTS: string;
}

export default {
  fetch(request: Request, env: Env): Response | Promise<Response> {
    const app = new Hono();
    app.get('/healthz', (c) => c.json({ ok: true, runtime: 'workerd' }));
    app.get('/v1/ws', workersWsProxy({ token: env.HAUL_TOKEN, allowedHosts: env.ALLOWED_HOSTS.split(',') }));
    return app.fetch(request);
  },
};
