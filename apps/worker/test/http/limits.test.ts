/**
 * What the shared HTTP suite cannot cover with one configuration: CORS for the playground's origin,
 * the body limit (413), the time limit (504, and the statement really cancelled on the server), and
 * the routes the playground relies on (/v1/database, createTable). Run on the Node entry with a small
 * body cap and a short deadline.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { type NodeServer, startNodeServer } from '../../src/entries/node.ts';

const targets = databaseTargets();
const target = targets.find((x) => x.name.endsWith('-service')) ?? targets[0]!;

const TOKEN = 'test-token.limits';
const ORIGIN = 'https://playground.example';
const MAX_BODY = 64 * 1024;
const TIMEOUT_MS = 1_500;
const suffix = Math.random().toString(36).slice(2, 8);

describe(`limits, CORS and playground routes (${target.name})`, () => {
  let server: NodeServer;
  let admin: postgres.Sql;
  const url = (path: string) => `${server.url}${path}`;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    server = await startNodeServer({
      port: 0,
      env: {
        DATABASE_URL: target.url,
        HAUL_TOKEN: TOKEN,
        HAUL_CORS_ORIGIN: ORIGIN,
        HAUL_MAX_BODY_BYTES: String(MAX_BODY),
        HAUL_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS),
      },
    });
    admin = postgres(target.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end();
    await server?.close();
  });

  describe('CORS', () => {
    it('answers a preflight from the configured origin without a token', async () => {
      const res = await fetch(url('/v1/sql'), {
        method: 'OPTIONS',
        headers: {
          origin: ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    });

    it('allows the configured origin on real requests, and no other origin', async () => {
      const ok = await fetch(url('/v1/tables'), { headers: { ...auth, origin: ORIGIN } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const other = await fetch(url('/v1/tables'), { headers: { ...auth, origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('still needs the token behind CORS', async () => {
      const res = await fetch(url('/v1/tables'), { headers: { origin: ORIGIN } });
      expect(res.status).toBe(401);
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    });
  });

  describe('body limit', () => {
    it('413 JSON for a /v1/sql body over the cap', async () => {
      const sql = `select '${'x'.repeat(MAX_BODY)}' as big`;
      const res = await fetch(url('/v1/sql'), {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ statements: [{ sql }] }),
      });
      expect(res.status).toBe(413);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toContain('HAUL_MAX_BODY_BYTES');
    });

    it('413 before loading when a declared upload is over the cap', async () => {
      const table = `limits_declared_${suffix}`;
      await admin.unsafe(`create table ${table} (id int, name text)`);
      try {
        const res = await fetch(url(`/v1/tables/${table}/load?format=csv`), {
          method: 'POST',
          headers: auth,
          body: 'id,name\n' + '1,abc\n'.repeat(MAX_BODY / 4),
        });
        expect(res.status).toBe(413);
        const [{ n }] = await admin.unsafe<[{ n: number }]>(`select count(*)::int as n from ${table}`);
        expect(n).toBe(0);
      } finally {
        await admin.unsafe(`drop table if exists ${table}`);
      }
    });

    it('a streamed upload crossing the cap fails with a 413 event and commits nothing', async () => {
      const table = `limits_streamed_${suffix}`;
      await admin.unsafe(`create table ${table} (id int, name text)`);
      try {
        const encoder = new TextEncoder();
        let i = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            // 16 KiB pieces, chunked transfer (no Content-Length), until well past the cap.
            if (i >= 8) return controller.close();
            let text = i === 0 ? 'id,name\n' : '';
            for (let r = 0; r < 1024; r++) text += `${i * 1024 + r},name${String(r).padStart(8, '0')}\n`;
            i++;
            controller.enqueue(encoder.encode(text));
          },
        });
        const res = await fetch(url(`/v1/tables/${table}/load?format=csv`), {
          method: 'POST',
          headers: auth,
          body,
          duplex: 'half',
        } as RequestInit);
        const text = await res.text();
        const last = JSON.parse(text.trim().split('\n').at(-1)!) as {
          type: string;
          status?: number;
          error?: { message: string; rolledBack?: boolean };
        };
        if (res.status === 200) {
          expect(last.type).toBe('error');
          expect(last.status).toBe(413);
        } else {
          expect(res.status).toBe(413);
        }
        const [{ n }] = await admin.unsafe<[{ n: number }]>(`select count(*)::int as n from ${table}`);
        expect(n).toBe(0);
      } finally {
        await admin.unsafe(`drop table if exists ${table}`);
      }
    });
  });

  describe('time limit', () => {
    it('504 for a statement running past the limit, and the server stops running it', async () => {
      const marker = `haul_limits_sleep_${suffix}`;
      const started = Date.now();
      const res = await fetch(url('/v1/sql'), {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ statements: [{ sql: `select pg_sleep(30) as ${marker}` }] }),
      });
      const elapsed = Date.now() - started;
      expect(res.status).toBe(504);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toContain('HAUL_REQUEST_TIMEOUT_MS');
      expect(elapsed).toBeLessThan(15_000);
      // The cancel (or the closed connection) reaches the backend: the sleep is gone soon after.
      let running = 1;
      for (let i = 0; i < 50 && running > 0; i++) {
        const [row] = await admin.unsafe<[{ n: number }]>(
          `select count(*)::int as n from pg_stat_activity where query like '%${marker}%' and pid <> pg_backend_pid()`,
        );
        running = row.n;
        if (running > 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(running).toBe(0);
    });

    it('a load stalled past the limit ends with a 504 event and rolls back', async () => {
      const table = `limits_stalled_${suffix}`;
      await admin.unsafe(`create table ${table} (id int, name text)`);
      try {
        const encoder = new TextEncoder();
        let sent = false;
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (!sent) {
              sent = true;
              controller.enqueue(encoder.encode('id,name\n1,a\n2,b\n'));
              return;
            }
            // Then nothing more, ever: only the deadline can end this upload.
            await new Promise((r) => setTimeout(r, 60_000));
          },
        });
        const res = await fetch(url(`/v1/tables/${table}/load?format=csv`), {
          method: 'POST',
          headers: auth,
          body,
          duplex: 'half',
        } as RequestInit);
        expect(res.status).toBe(200);
        const lines = (await res.text())
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { type: string; status?: number; error?: { message: string } });
        const last = lines.at(-1)!;
        expect(last.type).toBe('error');
        expect(last.status).toBe(504);
        expect(last.error?.message).toContain('HAUL_REQUEST_TIMEOUT_MS');
        const [{ n }] = await admin.unsafe<[{ n: number }]>(`select count(*)::int as n from ${table}`);
        expect(n).toBe(0);
      } finally {
        await admin.unsafe(`drop table if exists ${table}`);
      }
    });
  });

  describe('routes the playground uses', () => {
    it('GET /v1/database names the proxied address and the credentials, behind the token', async () => {
      const denied = await fetch(url('/v1/database'));
      expect(denied.status).toBe(401);
      const res = await fetch(url('/v1/database'), { headers: auth });
      expect(res.status).toBe(200);
      const info = (await res.json()) as {
        address: string;
        database: string;
        user: string;
        proxied: boolean;
      };
      const expected = new URL(target.url);
      expect(info.address).toBe(`${expected.hostname}:${expected.port || '5432'}`);
      expect(info.database).toBe(expected.pathname.slice(1));
      expect(info.user).toBe(decodeURIComponent(expected.username) || 'postgres');
      expect(info.proxied).toBe(true);
    });

    it('createTable=true creates the table from the file and loads it', async () => {
      const table = `limits_created_${suffix}`;
      await admin.unsafe(`drop table if exists ${table}`);
      try {
        const csv = 'id,name,amount,seen\n1,ann,1.5,2024-01-02T03:04:05Z\n2,bob,,2024-02-03T04:05:06Z\n';
        const res = await fetch(url(`/v1/tables/${table}/load?format=csv&createTable=true`), {
          method: 'POST',
          headers: auth,
          body: csv,
        });
        expect(res.status).toBe(200);
        const last = JSON.parse((await res.text()).trim().split('\n').at(-1)!) as {
          type: string;
          rows: number;
          createdTable?: string;
        };
        expect(last.type).toBe('report');
        expect(last.rows).toBe(2);
        expect(last.createdTable).toContain('create table');
        const rows = await admin.unsafe<{ id: string; name: string; amount: string | null }[]>(
          `select id::text, name, amount::text from ${table} order by id`,
        );
        expect(rows.map((r) => [r.id, r.name, r.amount])).toEqual([
          ['1', 'ann', '1.5'],
          ['2', 'bob', null],
        ]);
      } finally {
        await admin.unsafe(`drop table if exists ${table}`);
      }
    });
  });
});
