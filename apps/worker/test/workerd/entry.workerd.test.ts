/**
 * The real Workers entry (src/entries/cloudflare.ts), bundled with esbuild and run in workerd through
 * Miniflare against the real Postgres. Not `wrangler dev`: its proxy worker ends an aborted upload's body
 * cleanly instead of erroring it, so the suite's "client disconnects mid-upload" case would commit
 * (seen 2 runs in 5). ws-proxy.workerd.test.ts covers `wrangler dev` itself. Checks: the shared HTTP
 * suite (test/http/suite.ts), plus health, auth, a SQL batch, a small CSV load, the 5-shard cap, and our
 * WebSocket adapter through its /v1/ws.
 */
import { fileURLToPath } from 'node:url';
import { connect } from '@haul/protocol/websocket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { httpSuite } from '../http/suite.ts';
import { DATABASE_URL } from '../ws/support.ts';
import { startMiniflare } from './miniflare.ts';
import type { Workerd } from './wrangler-dev.ts';

const TOKEN = 'workerd-entry-test-token';
const pgUrl = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}sslmode=disable`;
const table = `workerd_entry_${process.pid}_${Date.now().toString(36)}`;

let workerd: Workerd;

beforeAll(async () => {
  workerd = await startMiniflare({
    entry: fileURLToPath(new URL('../../src/entries/cloudflare.ts', import.meta.url)),
    vars: { DATABASE_URL, HAUL_TOKEN: TOKEN },
  });
}, 90_000);

afterAll(async () => {
  if (workerd) await sql([{ sql: `drop table if exists "${table}"` }]).catch(() => {});
  await workerd?.stop();
});

const auth = { Authorization: `Bearer ${TOKEN}` };

async function sql(statements: Array<{ sql: string; params?: unknown[] }>, sync = 'independent') {
  const response = await fetch(`${workerd.url}/v1/sql`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ statements, sync }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { results: Array<{ ok: boolean; rows?: unknown[]; error?: unknown }> };
}

describe('the Workers entry under workerd', () => {
  httpSuite(
    () => workerd.url,
    () => TOKEN,
  );

  it('answers /healthz as workerd', async () => {
    const response = await fetch(`${workerd.url}/healthz`);
    expect(await response.json()).toEqual({ ok: true, runtime: 'workerd' });
  });

  it('refuses a missing or wrong bearer token with 401', async () => {
    expect((await fetch(`${workerd.url}/v1/tables`)).status).toBe(401);
    const wrong = await fetch(`${workerd.url}/v1/tables`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('runs a SQL batch', async () => {
    const { results } = await sql([
      { sql: 'select $1::int + 1 as n', params: [1] },
      { sql: 'select 1/0' },
      { sql: "select 'after' as s" },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[0]!.rows).toEqual([{ n: 2 }]);
  });

  it('loads a small CSV', async () => {
    await sql([{ sql: `create table "${table}" (id int primary key, name text)` }]);
    const csv = 'id,name\n1,one\n2,two\n3,three\n';
    const response = await fetch(`${workerd.url}/v1/tables/${table}/load?format=csv&header=true&shards=2`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'text/csv' },
      body: csv,
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const events = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; rows?: number; committed?: boolean });
    expect(events.at(-1)).toMatchObject({ type: 'report', rows: 3, committed: true });
    const { results } = await sql([{ sql: `select count(*)::int as n from "${table}"` }]);
    expect(results[0]!.rows).toEqual([{ n: 3 }]);
  });

  it('refuses more than 5 shards (6 sockets per request on Workers)', async () => {
    const response = await fetch(`${workerd.url}/v1/tables/${table}/load?format=csv&shards=6`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'text/csv' },
      body: '4,four\n',
    });
    expect(response.status, await response.text()).toBe(400);
  });

  it('carries our WebSocket adapter through /v1/ws', async () => {
    const base = `${workerd.url.replace('http:', 'ws:')}/v1/ws`;
    const conn = await connect(pgUrl, { url: `${base}?token=${TOKEN}`, WebSocket });
    try {
      expect((await conn.query('select $1::text as t', ['through workerd'])).rows).toEqual([
        { t: 'through workerd' },
      ]);
    } finally {
      await conn.close();
    }
  });
});
