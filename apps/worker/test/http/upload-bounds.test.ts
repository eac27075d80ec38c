/**
 * Uploads whose size lies (issue 11, item 5): a small gzip body that inflates past the upload limit
 * (the limit counts decompressed bytes too), a gzip bomb that inflates into one huge row (the row
 * bound stops it, and the worker's memory stays flat), and many rejects for a client that reads them
 * (bounded event queue, every event delivered). Node entry, in this process, so its RSS is measured.
 */
import { gzipSync } from 'node:zlib';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { type NodeServer, startNodeServer } from '../../src/entries/node.ts';

const targets = databaseTargets();
const target = targets.find((x) => x.name.endsWith('-service')) ?? targets[0]!;

const TOKEN = 'test-token.upload-bounds';
const MiB = 1024 * 1024;
const suffix = Math.random().toString(36).slice(2, 8);

interface LoadEnd {
  status: number;
  last: { type: string; status?: number; error?: { message: string; line?: number; rolledBack?: boolean } };
  events: { type: string }[];
}

async function upload(
  server: NodeServer,
  table: string,
  body: Uint8Array<ArrayBuffer>,
  query = '',
): Promise<LoadEnd> {
  const res = await fetch(`${server.url}/v1/tables/${table}/load?format=csv${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
    body,
  });
  const text = await res.text();
  if (res.status !== 200)
    return { status: res.status, last: { type: 'error', ...JSON.parse(text) }, events: [] };
  const events = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LoadEnd['last']);
  const last = events.at(-1)!;
  return { status: last.type === 'error' ? last.status! : 200, last, events };
}

describe(`upload bounds (${target.name})`, () => {
  let small: NodeServer;
  let rowBound: NodeServer;
  let admin: postgres.Sql;

  beforeAll(async () => {
    const env = { DATABASE_URL: target.url, HAUL_TOKEN: TOKEN, HAUL_MAX_BODY_BYTES: String(MiB) };
    small = await startNodeServer({ port: 0, env });
    rowBound = await startNodeServer({
      port: 0,
      env: { ...env, HAUL_MAX_INPUT_BYTES: String(1024 * MiB), HAUL_MAX_ROW_BYTES: String(8 * MiB) },
    });
    admin = postgres(target.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end();
    await small?.close();
    await rowBound?.close();
  });

  async function withTable<T>(label: string, run: (table: string) => Promise<T>): Promise<T> {
    const table = `bounds_${label}_${suffix}`;
    await admin.unsafe(`create table ${table} (id int, v text)`);
    try {
      return await run(table);
    } finally {
      await admin.unsafe(`drop table if exists ${table}`);
    }
  }

  async function count(table: string): Promise<number> {
    const [{ n }] = await admin.unsafe<[{ n: number }]>(`select count(*)::int as n from ${table}`);
    return n;
  }

  it('a 1 MiB upload limit holds for what a small gzip body inflates to: 413, nothing committed', async () => {
    await withTable('inflate', async (table) => {
      let csv = 'id,v\n';
      for (let i = 0; i < 200_000; i++) csv += `${i},${'v'.repeat(50)}\n`;
      const gz = gzipSync(csv);
      expect(gz.length).toBeLessThan(MiB);
      const end = await upload(small, table, gz);
      expect(end.status).toBe(413);
      expect(end.last.error?.message).toContain('maxInputBytes');
      expect(await count(table)).toBe(0);
    });
  });

  it('a gzip bomb inflating into one 200 MB row is stopped at the row bound, and the worker stays small', async () => {
    await withTable('bomb', async (table) => {
      const bomb = gzipSync(Buffer.concat([Buffer.from('id,v\n1,'), Buffer.alloc(200 * MiB, 0x61)]));
      expect(bomb.length).toBeLessThan(MiB);
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const end = await upload(rowBound, table, bomb);
      clearInterval(sampler);
      expect(end.status).toBe(413);
      expect(end.last.error).toMatchObject({ line: 2, rolledBack: true });
      expect(end.last.error?.message).toContain('maxRowBytes');
      // The row bound is 8 MiB: the parser holds about twice that, never the 200 MB.
      expect(peak - before).toBeLessThan(150 * MiB);
      expect(await count(table)).toBe(0);
    });
  });

  it('thousands of rejects all reach the client through the bounded event queue', async () => {
    await withTable('rejects', async (table) => {
      let csv = 'id,v\n';
      for (let i = 0; i < 3000; i++) csv += `x${i},v\n`;
      const end = await upload(rowBound, table, new TextEncoder().encode(csv), '&onError=reject');
      expect(end.status).toBe(200);
      expect(end.last).toMatchObject({ type: 'report', rejected: 3000, rows: 0 });
      expect(end.events.filter((e) => e.type === 'reject').length).toBe(3000);
    });
  });
});
