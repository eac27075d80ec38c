/**
 * The Workers entry with a HYPERDRIVE binding (Miniflare's local Hyperdrive, fronting the real
 * Postgres): short queries go through it, bulk loads do not. The binding logs in as its own role, so
 * `current_user` tells which path a statement took, and it may not write the table loads go to.
 */
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_URL } from '../ws/support.ts';
import { startMiniflare } from './miniflare.ts';
import type { Workerd } from './wrangler-dev.ts';

const TOKEN = 'workerd-hyperdrive-token';
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const ROLE = `haul_hyperdrive_${suffix}`;
const table = `hyperdrive_load_${suffix}`;

let workerd: Workerd;
let admin: postgres.Sql;
const auth = { Authorization: `Bearer ${TOKEN}` };

/** Miniflare insists on a password in a Hyperdrive URL; the trust-auth test server never asks for it. */
function urlAs(user: string, password = ''): string {
  const url = new URL(DATABASE_URL);
  url.username = user;
  url.password = password;
  return url.toString();
}

beforeAll(async () => {
  admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  const [{ user }] = await admin<[{ user: string }]>`select current_user as user`;
  await admin.unsafe(`create role ${ROLE} login`);
  await admin.unsafe(`create table ${table} (id int, name text)`);
  // Hyperdrive's role may read the table but not write it: a load sent through Hyperdrive would fail.
  await admin.unsafe(`grant select on ${table} to ${ROLE}`);
  workerd = await startMiniflare({
    entry: fileURLToPath(new URL('../../src/entries/cloudflare.ts', import.meta.url)),
    vars: { DATABASE_URL: urlAs(user), HAUL_TOKEN: TOKEN },
    hyperdrives: { HYPERDRIVE: urlAs(ROLE, 'unused') },
  });
}, 90_000);

afterAll(async () => {
  await workerd?.stop();
  await admin?.unsafe(`drop table if exists ${table}`).catch(() => {});
  await admin?.unsafe(`drop role if exists ${ROLE}`).catch(() => {});
  await admin?.end();
});

describe('workerd with a Hyperdrive binding', () => {
  it('runs /v1/sql and /v1/tables through Hyperdrive', async () => {
    const tables = await fetch(`${workerd.url}/v1/tables/${table}`, { headers: auth });
    expect(tables.status).toBe(200);
    expect(((await tables.json()) as { columns: unknown[] }).columns).toHaveLength(2);
    const res = await fetch(`${workerd.url}/v1/sql`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ statements: [{ sql: 'select current_user::text as who' }] }),
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { ok: boolean; rows: { who: string }[] }[] };
    expect(results[0]?.rows[0]?.who).toBe(ROLE);
  });

  it('loads over the direct connection, not Hyperdrive', async () => {
    const res = await fetch(`${workerd.url}/v1/tables/${table}/load?format=csv&shards=1`, {
      method: 'POST',
      headers: auth,
      body: 'id,name\n1,a\n2,b\n',
    });
    expect(res.status).toBe(200);
    const last = JSON.parse((await res.text()).trim().split('\n').at(-1)!) as { type: string; rows: number };
    expect(last).toMatchObject({ type: 'report', rows: 2 });
    const [{ n }] = await admin.unsafe<[{ n: number }]>(`select count(*)::int as n from ${table}`);
    expect(n).toBe(2);
  });
});
