/**
 * The playground mount in createApp: the page's files are public, but never shadow the API — /v1 keeps
 * its bearer auth and /healthz its handler; a path with no file falls through to the JSON 404.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { WorkerConfig } from '../../src/app-contract.ts';

const config: WorkerConfig = {
  databaseUrl: 'postgres://postgres@127.0.0.1:1/none',
  token: 'secret',
  allowedHosts: [],
  maxShards: 2,
  maxBodyBytes: 1024,
  requestTimeoutMs: 5_000,
  sqlMaxBodyBytes: 1024,
  sqlMaxRows: 10,
  sqlMaxBytes: 1024,
};

const app = createApp(config, {
  name: 'test',
  connect: () => Promise.reject(new Error('no database in this test')),
  staticAssets: async (c, next) => {
    if (c.req.path === '/' || c.req.path === '/assets/app.js') return c.text(`file ${c.req.path}`);
    await next();
  },
});

describe('staticAssets mount', () => {
  it('serves the page without auth', async () => {
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('file /');
    expect(await (await app.request('/assets/app.js')).text()).toBe('file /assets/app.js');
  });

  it('leaves the API to its routes: auth on /v1, /healthz as before', async () => {
    expect((await app.request('/v1/tables')).status).toBe(401);
    expect(await (await app.request('/healthz')).json()).toEqual({ ok: true, runtime: 'test' });
  });

  it('falls through to the JSON 404 for a path with no file, and ignores other methods', async () => {
    const missing = await app.request('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { message: 'no route for GET /nope' } });
    expect((await app.request('/', { method: 'POST' })).status).toBe(404);
  });
});
